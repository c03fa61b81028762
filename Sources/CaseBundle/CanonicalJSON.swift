import Foundation

/// The one way course files are written and read: sorted keys, two-space indentation, slashes
/// unescaped, a trailing newline.
///
/// For a given value the bytes are the same in every run and process on one platform and
/// toolchain (the encoder's key order and number formatting are deterministic; dictionaries are
/// written with sorted keys, so hash-table order never leaks into a file). This is what makes
/// course hashes and golden tests possible.
public enum CanonicalJSON {
    /// Encodes `value` as canonical JSON, ending in a newline.
    ///
    /// Throws the encoder's `EncodingError` only for values JSON cannot hold (a NaN or infinite
    /// `Double`); model types never produce those.
    public static func encode<T: Encodable>(_ value: T) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        var data = try encoder.encode(value)
        data.append(UInt8(ascii: "\n"))
        return data
    }

    /// Decodes a `T` from JSON read from `file`.
    ///
    /// Errors are a `BundleError` (code `json.syntax`, `json.missingField`, `json.type` or
    /// `json.value`) that names the file, the field by its path (`targeting.billOfLading.goods[2].hsCode`),
    /// what was expected there, and, for syntax errors, the line and column.
    public static func decode<T: Decodable>(_ type: T.Type, from data: Data, file: String) throws(BundleError) -> T {
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch let error as DecodingError {
            throw bundleError(error, file: file, data: data)
        } catch {
            throw BundleError(
                code: "json.syntax", file: file,
                message: "Could not read the JSON (\(error)); "
                    + "restore the file from the course as it was written, or regenerate the course.")
        }
    }

    /// A field path in the form the model's validation uses: `a.b[2].c`.
    static func fieldPath(_ codingPath: [any CodingKey]) -> String {
        var path = ""
        for key in codingPath {
            if let index = key.intValue, key.stringValue.hasPrefix("Index ") || key.stringValue == "\(index)" {
                path += "[\(index)]"
            } else {
                path += (path.isEmpty ? "" : ".") + key.stringValue
            }
        }
        return path
    }

    private static func bundleError(_ error: DecodingError, file: String, data: Data) -> BundleError {
        switch error {
        case let .keyNotFound(key, context):
            let parent = fieldPath(context.codingPath)
            return BundleError(
                code: "json.missingField", file: file,
                field: parent.isEmpty ? key.stringValue : parent + "." + key.stringValue,
                message: "The required field \"\(key.stringValue)\" is missing"
                    + (parent.isEmpty ? "" : " in \(parent)") + "; add it, or regenerate the file.")
        case let .typeMismatch(type, context):
            return BundleError(
                code: "json.type", file: file, field: fieldPath(context.codingPath),
                message: "Expected \(describe(type)) here; write the value in that form, or regenerate the file.")
        case let .valueNotFound(type, context):
            return BundleError(
                code: "json.type", file: file, field: fieldPath(context.codingPath),
                message:
                    "Expected \(describe(type)) here but found null; give a value, or leave the field out if it is optional."
            )
        case let .dataCorrupted(context):
            if context.codingPath.isEmpty {
                // The text is not JSON at all: point at the line and column with our own parser.
                var located = BundleError(
                    code: "json.syntax", file: file,
                    message:
                        "The file is not valid JSON; restore it from the course as written, or regenerate the course.")
                do { _ = try JSONValue(parsing: data) } catch {
                    located.line = error.line
                    located.column = error.column
                    located.message =
                        error.message + " The file is not valid JSON; restore it or regenerate the course."
                    located.sourceLine = sourceLine(data, error.line)
                }
                return located
            }
            return BundleError(
                code: "json.value", file: file, field: fieldPath(context.codingPath),
                message: context.debugDescription.hasSuffix(".")
                    ? context.debugDescription : context.debugDescription + ".")
        @unknown default:
            return BundleError(code: "json.value", file: file, message: "Could not read the JSON: \(error).")
        }
    }

    private static func describe(_ type: Any.Type) -> String {
        if type is String.Type { return "a string" }
        if type is Bool.Type { return "true or false" }
        if type is Int.Type || type is Int64.Type || type is Int32.Type || type is UInt64.Type {
            return "a whole number"
        }
        if type is Double.Type || type is Float.Type { return "a number" }
        let name = String(describing: type)
        if name.hasPrefix("Array<") || name.hasPrefix("[") { return "a list (JSON array)" }
        if name.hasPrefix("Dictionary<") { return "an object" }
        return "a value of type \(name)"
    }

    private static func sourceLine(_ data: Data, _ line: Int) -> String? {
        var current = 1
        var start = data.startIndex
        for index in data.indices {
            if data[index] == UInt8(ascii: "\n") {
                if current == line { return String(decoding: data[start..<index], as: UTF8.self) }
                current += 1
                start = data.index(after: index)
            }
        }
        return current == line ? String(decoding: data[start...], as: UTF8.self) : nil
    }
}
