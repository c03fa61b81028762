import CaseBundle
import Foundation
import Storage

/// A random password a person can type: 14 letters and digits without look-alikes.
public func generatedPassword() -> String {
    let alphabet = Array("abcdefghjkmnpqrstuvwxyzACDEFGHJKLMNPQRSTUVWXYZ23456789")
    var generator = SystemRandomNumberGenerator()
    return String((0..<14).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] })
}

/// One line of an accounts CSV: where it was, the account, its cohort, and whether its password was generated.
public struct AccountRow: Sendable {
    public var line: Int
    public var input: AccountInput
    public var cohort: String?
    public var generated: Bool
}

/// Reads the accounts CSV (RFC 4180: commas, double quotes, "" inside quotes).
public enum AccountCSV {
    static let required = ["username", "displayName", "role", "language"]
    static let optional = ["password", "cohort"]

    public static func parse(_ text: String, file: String) throws -> [AccountRow] {
        let records = try records(text, file: file)
        guard let header = records.first else {
            throw BundleError(
                code: "csv.empty", file: file,
                message: "The file is empty; give a header line and one line per account.")
        }
        let names = header.fields.map { $0.trimmingCharacters(in: .whitespaces) }
        for column in required where !names.contains(column) {
            throw BundleError(
                code: "csv.header", file: file, line: header.line, field: column,
                message: "The header lacks this column; it needs " + required.joined(separator: ", ") + ".")
        }
        if let unknown = names.first(where: { !required.contains($0) && !optional.contains($0) }) {
            throw BundleError(
                code: "csv.header", file: file, line: header.line, field: unknown,
                message: "Unknown column; use " + (required + optional).joined(separator: ", ") + ".")
        }
        var errors: [BundleError] = []
        var rows: [AccountRow] = []
        var seen: [String: Int] = [:]
        for record in records.dropFirst() {
            if record.fields.allSatisfy({ $0.isEmpty }) { continue }
            guard record.fields.count == names.count else {
                errors.append(
                    BundleError(
                        code: "csv.columns", file: file, line: record.line,
                        message: "This line has \(record.fields.count) fields; the header has \(names.count)."))
                continue
            }
            var value: [String: String] = [:]
            for (name, field) in zip(names, record.fields) { value[name] = field.trimmingCharacters(in: .whitespaces) }
            guard let role = Role(rawValue: value["role"]!) else {
                errors.append(
                    BundleError(
                        code: "csv.role", file: file, line: record.line, field: "role", value: value["role"],
                        message: "role: use admin, instructor or trainee."))
                continue
            }
            let given = value["password"].flatMap { $0.isEmpty ? nil : $0 }
            let input = AccountInput(
                username: value["username"]!, displayName: value["displayName"]!, role: role,
                password: given ?? generatedPassword(), language: value["language"]!)
            if let problem = input.problem() {
                errors.append(
                    BundleError(
                        code: "csv.\(problem.field)", file: file, line: record.line, field: problem.field,
                        value: problem.field == "password" ? nil : value[problem.field],
                        message: "\(problem.field): \(problem.message)"))
                continue
            }
            if let first = seen[input.username] {
                errors.append(
                    BundleError(
                        code: "csv.duplicate", file: file, line: record.line, field: "username", value: input.username,
                        message: "username: already on line \(first); give each username once."))
                continue
            }
            seen[input.username] = record.line
            let cohort = value["cohort"].flatMap { $0.isEmpty ? nil : $0 }
            rows.append(AccountRow(line: record.line, input: input, cohort: cohort, generated: given == nil))
        }
        if !errors.isEmpty { throw BundleErrors(errors) }
        return rows
    }

    /// Splits the text into records with the line each starts on.
    static func records(_ text: String, file: String) throws -> [(line: Int, fields: [String])] {
        var out: [(line: Int, fields: [String])] = []
        var fields: [String] = [], field = "", quoted = false, line = 1, start = 1, afterQuote = false
        var iterator = text.unicodeScalars.makeIterator()
        var pending: Unicode.Scalar? = nil
        func next() -> Unicode.Scalar? {
            if let p = pending { pending = nil; return p }
            return iterator.next()
        }
        while let c = next() {
            if quoted {
                if c == "\"" {
                    let following = next()
                    if following == "\"" {
                        field.unicodeScalars.append("\"")
                    } else {
                        quoted = false
                        afterQuote = true
                        pending = following
                    }
                } else {
                    if c == "\n" { line += 1 }
                    field.unicodeScalars.append(c)
                }
                continue
            }
            switch c {
            case "\"":
                guard field.isEmpty, !afterQuote else {
                    throw BundleError(
                        code: "csv.quote", file: file, line: line, field: "column \(fields.count + 1)",
                        message: "A quote inside an unquoted field; quote the whole field and double the quote (\"\").")
                }
                quoted = true
            case ",":
                fields.append(field)
                field = ""
                afterQuote = false
            case "\r": continue
            case "\n":
                fields.append(field)
                out.append((start, fields))
                fields = []
                field = ""
                afterQuote = false
                line += 1
                start = line
            default:
                guard !afterQuote else {
                    throw BundleError(
                        code: "csv.quote", file: file, line: line, field: "column \(fields.count + 1)",
                        message: "Text after a closing quote; put a comma after the quoted field.")
                }
                field.unicodeScalars.append(c)
            }
        }
        if quoted {
            throw BundleError(
                code: "csv.quote", file: file, line: start,
                message: "A quoted field is never closed; add the closing quote.")
        }
        if !field.isEmpty || !fields.isEmpty {
            fields.append(field)
            out.append((start, fields))
        }
        return out
    }
}
