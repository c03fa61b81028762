import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// An error writing a file only its owner may read: the path and the system's reason.
public struct PrivateFileError: Error, CustomStringConvertible, Sendable {
    public var path: String
    public var reason: String
    public var description: String { "\(path): \(reason)" }
    public var localizedDescription: String { description }
}

/// Writes `data` to `url` with exactly `mode` (600 unless told otherwise), whatever the process's umask:
/// the file is created with the mode, and set to it again before a byte is written, so that an existing
/// file with a wider mode is narrowed first. For answer keys, the course seed, signing keys and passwords.
public func writePrivately(_ data: Data, to url: URL, mode: mode_t = 0o600) throws {
    let path = url.path
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
    guard fd >= 0 else { throw PrivateFileError(path: path, reason: String(cString: strerror(errno))) }
    defer { close(fd) }
    guard fchmod(fd, mode) == 0 else { throw PrivateFileError(path: path, reason: String(cString: strerror(errno))) }
    try data.withUnsafeBytes { raw in
        var offset = 0
        while offset < raw.count {
            let written = write(fd, raw.baseAddress! + offset, raw.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                throw PrivateFileError(path: path, reason: String(cString: strerror(errno)))
            }
            offset += written
        }
    }
}

/// Creates the folder `url` (and its parents) when absent and sets it to exactly `mode` (700 unless told
/// otherwise), whatever the umask: a folder that holds keys or a database.
public func makePrivateFolder(_ url: URL, mode: mode_t = 0o700) throws {
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    guard chmod(url.path, mode) == 0 else {
        throw PrivateFileError(path: url.path, reason: String(cString: strerror(errno)))
    }
}

/// Narrows an existing file to exactly `mode` (600 unless told otherwise); does nothing when it is absent.
public func narrowFileMode(_ url: URL, mode: mode_t = 0o600) throws {
    guard FileManager.default.fileExists(atPath: url.path) else { return }
    guard chmod(url.path, mode) == 0 else {
        throw PrivateFileError(path: url.path, reason: String(cString: strerror(errno)))
    }
}
