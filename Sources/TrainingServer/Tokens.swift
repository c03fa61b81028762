import CaseBundle

/// Session and CSRF tokens: 32 random bytes from the system's secure generator, as hex; only a token's
/// SHA-256 is stored.
enum Tokens {
    static func random() -> String {
        var generator = SystemRandomNumberGenerator()
        return FileDigest.hexString((0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) })
    }

    static func hash(_ token: String) -> String { FileDigest.hex(Array(token.utf8)) }

    /// Compares in time independent of where the texts differ.
    static func equal(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var difference: UInt8 = 0
        for i in x.indices { difference |= x[i] ^ y[i] }
        return difference == 0
    }
}
