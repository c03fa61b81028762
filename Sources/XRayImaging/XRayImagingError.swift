/// A failure of the imaging module: what went wrong, with the offending value and the fix.
///
/// Callers match on `code` (`material.unknown`, `material.table`, `profile.invalid`, `scene.size`), so
/// new codes do not break them.
public struct XRayImagingError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A stable, machine-readable code.
    public var code: String
    /// What is wrong and how to fix it.
    public var message: String

    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }
}
