/// A value that failed validation: which field, the offending value, and what to do about it.
///
/// Errors that cross modules carry a stable `code` so that callers can match on it and new
/// codes do not break them.
public struct ValidationError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A stable, machine-readable code, e.g. `container.checkDigit`.
    public var code: String
    /// The field path that holds the value, e.g. `manifest.goods[2].hsCode`.
    public var field: String
    /// The offending value as it was given.
    public var value: String
    /// What is wrong and what to do, as one sentence.
    public var message: String

    public init(code: String, field: String, value: String, message: String) {
        self.code = code
        self.field = field
        self.value = value
        self.message = message
    }

    /// The same error located under a parent field (`manifest` + `goods[2]` → `manifest.goods[2]`).
    public func nested(under parent: String) -> ValidationError {
        guard !parent.isEmpty else { return self }
        var copy = self
        copy.field = field.isEmpty ? parent : (field.hasPrefix("[") ? parent + field : parent + "." + field)
        return copy
    }

    public var description: String { "\(field): \(message) (value: \"\(value)\")" }
}

/// Collects validation errors from nested values.
public struct ValidationReport: Sendable {
    public private(set) var errors: [ValidationError] = []

    public init() {}

    public var isValid: Bool { errors.isEmpty }

    public mutating func add(_ error: ValidationError) { errors.append(error) }

    public mutating func check(
        _ condition: Bool, code: String, field: String, value: @autoclosure () -> String,
        _ message: @autoclosure () -> String
    ) {
        if !condition { errors.append(ValidationError(code: code, field: field, value: value(), message: message())) }
    }

    /// Adds the errors of a nested report under `parent`.
    public mutating func merge(_ other: ValidationReport, under parent: String) {
        errors.append(contentsOf: other.errors.map { $0.nested(under: parent) })
    }
}
