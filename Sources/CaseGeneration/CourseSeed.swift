import Crypto
import Foundation

/// The secret a course is drawn from: 256 bits. Whoever knows it regenerates every answer key of
/// the course with the public tool, so it is kept like a key (only in the grader pack,
/// `keys/course-seed.json`).
///
/// Everything a trainee sees that depends on it (the course id, the case ids and their order, the
/// per-case seeds behind the papers, the photon noise) comes from it through HMAC-SHA-256 keyed by
/// the secret, a one-way function: no id or pixel gives the seed back, and no case's seed gives
/// another's. (Until generator 1.7 ids came from the seed through SplitMix-style mixing, which can be
/// undone: two ids a trainee sees gave the seed exactly.)
///
/// A seed is drawn from the system's secure random source (`random()`), or given as text to reproduce
/// a course: 64 hex digits are the secret itself; any other text, such as `7` for a demonstration, is
/// stretched by SHA-256 into the secret, which is deterministic but exactly as guessable as the text.
public struct CourseSeed: Hashable, Sendable, CustomStringConvertible, ExpressibleByIntegerLiteral {
    /// The secret's length in bytes (256 bits).
    public static let byteCount = 32

    /// The secret.
    public let bytes: [UInt8]
    /// True when the secret was derived from a short text (a demonstration seed such as `7`): anyone
    /// can try such texts, so the keys of its course are not secret.
    public let isGuessable: Bool

    /// A seed from exactly `byteCount` bytes; nil for any other length.
    public init?(bytes: [UInt8]) {
        guard bytes.count == Self.byteCount else { return nil }
        self.bytes = bytes
        isGuessable = false
    }

    /// A new secret seed from the system's secure random source (getrandom(2) on Linux).
    public static func random() -> CourseSeed {
        var system = SystemRandomNumberGenerator()
        var bytes: [UInt8] = []
        bytes.reserveCapacity(byteCount)
        for _ in 0..<(byteCount / 8) {
            withUnsafeBytes(of: system.next().bigEndian) { bytes.append(contentsOf: $0) }
        }
        return CourseSeed(bytes: bytes)!
    }

    /// The seed written as `text` (as `generate --seed` takes it): 64 hex digits are the secret; any other
    /// text of 1 to 256 characters is stretched by SHA-256 into a guessable secret. Nil for an empty text,
    /// a longer one, or one with control characters.
    public init?(text: String) {
        guard (1...256).contains(text.count),
            !text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        else { return nil }
        if let hex = Self.hexBytes(text), hex.count == Self.byteCount {
            bytes = hex
            isGuessable = false
        } else {
            bytes = Array(Crypto.SHA256.hash(data: Array(("cargosim course seed\n" + text).utf8)))
            isGuessable = true
        }
    }

    /// The demonstration seed of a whole number: the same as `--seed <number>` (guessable).
    public init(demonstration number: UInt64) { self.init(text: String(number))! }

    public init(integerLiteral value: UInt64) { self.init(demonstration: value) }

    /// The secret as 64 lower-case hex digits (what `keys/course-seed.json` keeps; given back to
    /// `--seed`, it reproduces the course).
    public var text: String { bytes.map { String(format: "%02x", $0) }.joined() }

    /// Never the secret itself, so that a seed printed by mistake (a log line, an error) gives nothing away.
    public var description: String { "CourseSeed(•••)" }

    /// 64 bits derived one-way from the secret for `label` (HMAC-SHA-256, first 8 bytes, big-endian).
    public func derive(_ label: String) -> UInt64 { hmac64(label, key: bytes) }

    /// The course id: `K` and ten base-32 characters from the secret (one-way).
    public var courseId: String { "K" + opaqueID(derive("course-id")).dropFirst() }

    /// The seed of the course plan's draws (categories, order, targeting-only cases).
    var planSeed: UInt64 { derive("course-plan") }

    /// The seed of case `index` (0-based, course order): a secret of that case only, kept in its key.
    public func caseSeed(index: Int) -> UInt64 { derive("case-seed/\(index)") }

    /// The id of case `index`: opaque, independent of the case's seed, scenario and difficulty.
    public func caseId(index: Int) -> String { opaqueID(derive("case-id/\(index)")) }

    static func hexBytes(_ text: String) -> [UInt8]? {
        let digits = Array(text.utf8)
        guard digits.count % 2 == 0, !digits.isEmpty else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(digits.count / 2)
        var i = 0
        while i < digits.count {
            guard let high = hexValue(digits[i]), let low = hexValue(digits[i + 1]) else { return nil }
            out.append(high << 4 | low)
            i += 2
        }
        return out
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

/// 64 bits of HMAC-SHA-256(`key`, `label`): the first 8 bytes of the tag, big-endian.
func hmac64(_ label: String, key: [UInt8]) -> UInt64 {
    let tag = HMAC<Crypto.SHA256>.authenticationCode(for: Array(label.utf8), using: SymmetricKey(data: key))
    return tag.withUnsafeBytes { raw in raw.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) } }
}

/// 64 bits derived one-way from a case seed for `label` (HMAC-SHA-256 keyed by the seed's 8 bytes):
/// the photon-noise seed of a scan, the id of a case generated on its own.
public func derive(_ label: String, fromCaseSeed seed: UInt64) -> UInt64 {
    withUnsafeBytes(of: seed.bigEndian) { hmac64(label, key: Array($0)) }
}

/// `C` and ten base-32 characters (no I, L, O, U) in two groups, from 50 bits of `value`.
func opaqueID(_ value: UInt64) -> String {
    let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ")
    var value = value
    var characters: [Character] = []
    for _ in 0..<10 {
        characters.append(alphabet[Int(value & 31)])
        value >>= 5
    }
    return "C" + String(characters.prefix(5)) + "-" + String(characters.suffix(5))
}
