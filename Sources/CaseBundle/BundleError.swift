import CargoModel

/// A problem with a file CargoSim reads or writes: which file, where in it, the offending value, and
/// what to do about it.
///
/// Errors carry a stable `code` (`yaml.syntax`, `spec.unknownKey`, `spec.type`, `spec.commodity`,
/// `io.unwritable`, …) so that callers can match on it and new codes do not break them. `description`
/// renders the error the way a compiler does, so that editors and terminals can jump to the spot:
///
/// ```
/// Cases/x.yaml:12:5: error: Unknown commodity; use an id from … (value: "banannas")
///   - commodity: banannas
///     ^
/// ```
public struct BundleError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A stable, machine-readable code, e.g. `spec.unknownKey`.
    public var code: String
    /// The file as the user named it (`Cases/x.yaml`); nil for text that came from no file.
    public var file: String?
    /// 1-based line of the offending text, when known.
    public var line: Int?
    /// 1-based column (counted in Unicode scalars, as libyaml counts them), when known.
    public var column: Int?
    /// Path of the offending field inside the document (`goods[1].commodity`), when known.
    public var field: String?
    /// The offending value as it was written, when there is one.
    public var value: String?
    /// What is wrong and how to fix it, as one or two sentences.
    public var message: String
    /// The full text of the offending line, for the caret display.
    public var sourceLine: String?

    public init(
        code: String, file: String? = nil, line: Int? = nil, column: Int? = nil, field: String? = nil,
        value: String? = nil, message: String, sourceLine: String? = nil
    ) {
        self.code = code
        self.file = file
        self.line = line
        self.column = column
        self.field = field
        self.value = value
        self.message = message
        self.sourceLine = sourceLine
    }

    /// A model validation error placed at a location in a file: keeps its code, field, value and message.
    public init(
        _ error: ValidationError, file: String? = nil, line: Int? = nil, column: Int? = nil,
        sourceLine: String? = nil
    ) {
        self.init(
            code: error.code, file: file, line: line, column: column,
            field: error.field.isEmpty ? nil : error.field, value: error.value, message: error.message,
            sourceLine: sourceLine)
    }

    /// `file:line:column: error: message (value: "…")`, then the source line and a caret under the column.
    ///
    /// The field path follows the location unless a column is given (`file: error: goods[1]: message`,
    /// `attempts.jsonl:7: error: decisions[0].shownAt: message`). Lines longer
    /// than 160 characters are shown as a window around the column; control characters are shown as `�`
    /// so that binary input cannot garble a terminal.
    public var description: String {
        var location = ""
        if let file { location += file }
        if let line {
            location += (location.isEmpty ? "" : ":") + "\(line)"
            if let column { location += ":\(column)" }
        }
        var text = location.isEmpty ? "error: " : location + ": error: "
        // The field path is named unless a column points at it (YAML errors show the line with a caret):
        // an attempts file's error has a line and no column, and needs both (`attempts.jsonl:7: error: mode: …`).
        if column == nil, let field, !field.isEmpty { text += field + ": " }
        text += message
        if let value { text += " (value: \"\(Self.displayValue(value))\")" }
        if let sourceLine, line != nil {
            let (shown, caret) = Self.caretDisplay(sourceLine, column: column ?? 1)
            text += "\n" + shown
            if column != nil { text += "\n" + caret }
        }
        return text
    }

    /// The value with control characters escaped, cut to 80 characters.
    static func displayValue(_ value: String) -> String {
        var out = ""
        var count = 0
        for scalar in value.unicodeScalars {
            if count == 80 {
                out += "…"
                break
            }
            switch scalar {
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F: out += "\\u{\(String(scalar.value, radix: 16))}"
            default: out.unicodeScalars.append(scalar)
            }
            count += 1
        }
        return out
    }

    /// The line (or a window of it around `column`) and a caret line that points at `column`.
    ///
    /// Tabs before the column are copied into the caret line so that the caret lines up in a terminal.
    static func caretDisplay(_ line: String, column: Int) -> (line: String, caret: String) {
        let window = 160
        var scalars = Array(line.unicodeScalars)
        var index = max(0, column - 1)
        var prefix = "", suffix = ""
        if scalars.count > window {
            let start = max(0, min(index - window / 2, scalars.count - window))
            let end = min(scalars.count, start + window)
            if start > 0 { prefix = "…" }
            if end < scalars.count { suffix = "…" }
            scalars = Array(scalars[start..<end])
            index = index - start + prefix.unicodeScalars.count
        }
        var shown = String.UnicodeScalarView()
        shown.append(contentsOf: prefix.unicodeScalars)
        for scalar in scalars {
            let isControl =
                (scalar.value < 0x20 && scalar != "\t") || scalar.value == 0x7F
                || (0x80..<0xA0).contains(scalar.value)
            shown.append(isControl ? "\u{FFFD}" : scalar)
        }
        shown.append(contentsOf: suffix.unicodeScalars)
        let shownScalars = Array(shown)
        var caret = ""
        for i in 0..<index {
            caret += i < shownScalars.count && shownScalars[i] == "\t" ? "\t" : " "
        }
        return (String(shown), caret + "^")
    }
}

/// Every error found in one go (a file can hold several mistakes; users fix them all in one pass).
///
/// `YAMLSpecReader` and `CatalogLoader` throw this, with the errors in file, line and column order.
/// It is never empty.
public struct BundleErrors: Error, Hashable, Sendable, CustomStringConvertible {
    public var errors: [BundleError]

    public init(_ errors: [BundleError]) {
        self.errors = errors
    }

    public init(_ error: BundleError) {
        self.errors = [error]
    }

    /// The errors, each rendered as `BundleError.description` renders it, one after the other.
    public var description: String {
        errors.map(\.description).joined(separator: "\n")
    }

    /// The codes of the errors, in order (handy in tests and logs).
    public var codes: [String] { errors.map(\.code) }

    /// The errors sorted by file, line and column; errors without a position keep their order at the end
    /// of their file.
    func sorted() -> BundleErrors {
        let indexed = errors.enumerated().sorted { a, b in
            let (x, y) = (a.element, b.element)
            if x.file != y.file { return (x.file ?? "") < (y.file ?? "") }
            let lx = x.line ?? Int.max, ly = y.line ?? Int.max
            if lx != ly { return lx < ly }
            let cx = x.column ?? Int.max, cy = y.column ?? Int.max
            if cx != cy { return cx < cy }
            return a.offset < b.offset
        }
        return BundleErrors(indexed.map(\.element))
    }
}
