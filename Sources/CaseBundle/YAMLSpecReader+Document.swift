import CargoModel
import Foundation

extension YAMLSpecReader {
    /// Reads any `Decodable` document (a certification policy, a rubric) from YAML with the same checks
    /// as specs: size, syntax, shape (unknown keys, wrong types, unknown enum names) and meaning.
    ///
    /// - Parameter validate: the document's own checks; each error's field path (`trainee.minimumHitRate`)
    ///   is mapped back to the line and column of the value.
    /// - Throws: `BundleErrors`, sorted by line and column.
    public func readDocument<T: Decodable>(
        _ type: T.Type, yaml: String, file: String? = nil,
        validate: (T) -> ValidationReport
    ) throws -> T {
        try readDocument(type, source: try checked(YAMLSourceText(text: yaml, file: file)), validate: validate)
    }

    /// Reads a document from a file; errors name the file as the user gave it.
    public func readDocument<T: Decodable>(_ type: T.Type, fileAt url: URL, validate: (T) -> ValidationReport) throws
        -> T
    {
        try readDocument(type, source: try load(url), validate: validate)
    }

    private func readDocument<T: Decodable>(_ type: T.Type, source: YAMLSourceText, validate: (T) -> ValidationReport)
        throws -> T
    {
        let (_, root) = try parseChecked(source)
        let (value, unknown) = try decode(T.self, from: root, source: source)
        var errors = unknown
        errors += validate(value).errors.map { locate($0, in: root, source: source) }
        if !errors.isEmpty { throw BundleErrors(errors).sorted() }
        return value
    }
}
