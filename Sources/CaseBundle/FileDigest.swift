import Crypto
import Foundation

/// SHA-256 of course files and course hashes, through swift-crypto (BoringSSL's SHA-256 on Linux).
///
/// Used incrementally (`update` then `finalizeHex`) so that a large file or a whole course is hashed without
/// holding it in memory, or in one call with `FileDigest.hex(_:)`. The values are SHA-256's (FIPS 180-4), the
/// same as the hand-written implementation this replaced, so course hashes and golden hashes do not change.
// @unchecked: swift-crypto's SHA256 is a value type (its BoringSSL context is copied on write) that does not declare
// Sendable; a FileDigest is only ever used from one task at a time.
public struct FileDigest: @unchecked Sendable {
    private var hasher = Crypto.SHA256()

    public init() {}

    /// Adds bytes to the message.
    public mutating func update(_ bytes: some DataProtocol) { hasher.update(data: bytes) }

    /// Adds the bytes of a buffer to the message.
    public mutating func update(_ buffer: UnsafeRawBufferPointer) { hasher.update(bufferPointer: buffer) }

    /// The digest of the message so far, 32 bytes.
    public func finalize() -> [UInt8] { Array(hasher.finalize()) }

    /// The digest as 64 lowercase hex digits.
    public func finalizeHex() -> String { Self.hexString(finalize()) }

    /// The digest of `bytes` in one call.
    public static func hash(_ bytes: some DataProtocol) -> [UInt8] { Array(Crypto.SHA256.hash(data: bytes)) }

    /// The digest of `bytes` as 64 lowercase hex digits.
    public static func hex(_ bytes: some DataProtocol) -> String { hexString(hash(bytes)) }

    /// Bytes as lowercase hex.
    public static func hexString(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 15)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
