import CaseBundle
import Crypto
import Foundation
import Scoring

/// Where the certification office keeps the programme's signing key, and who it names as issuer.
///
/// `cargosim serve` keeps the key beside the database, in `<db>.certification/` (mode 700): `signing.key`, the
/// Ed25519 private key (mode 600), and `signing.pub`, its public half. No route serves either file; the public key
/// is served from memory (`GET /api/certification/public-key`).
public struct CertificationSettings: Sendable {
    /// The folder of the key files.
    public var keyFolder: URL
    /// The issuer printed on every certificate (the training centre).
    public var issuer: String
    /// Verifications (`POST /api/verify`) one address may ask for per minute.
    public var verificationsPerMinute: Int

    public init(keyFolder: URL, issuer: String = "CargoSim training centre", verificationsPerMinute: Int = 30) {
        self.keyFolder = keyFolder
        self.issuer = issuer
        self.verificationsPerMinute = verificationsPerMinute
    }

    /// The folder beside a database file: `<db>.certification/`.
    public static func keyFolder(besideDatabase path: String) -> URL {
        URL(fileURLWithPath: path + ".certification", isDirectory: true)
    }
}

/// Why the signing key could not be read, made or imported: the file and what to do.
public struct SigningKeyError: Error, Sendable, CustomStringConvertible {
    /// `key.unreadable`, `key.malformed`, `key.unwritable`, `key.other`.
    public var code: String
    public var path: String
    public var message: String

    public init(code: String, path: String, message: String) {
        self.code = code
        self.path = path
        self.message = message
    }

    public var description: String { "\(path): \(message)" }
}

/// Reads, makes and imports the server's signing key in its folder.
public enum SigningKeyStore {
    public static let privateKeyName = "signing.key"
    public static let publicKeyName = "signing.pub"

    /// The key in `folder`, made (with a new key from the system's secure random source) when there is none yet.
    /// The folder is made or narrowed to mode 700 and the key file to 600 every time, whatever the umask.
    /// - Returns: the key, and whether it was made now.
    public static func loadOrCreate(in folder: URL) throws -> (identity: SigningIdentity, created: Bool) {
        let keyFile = folder.appendingPathComponent(privateKeyName)
        try makeFolder(folder)
        if FileManager.default.fileExists(atPath: keyFile.path) {
            return (try read(keyFile), false)
        }
        let identity = SigningIdentity.generate()
        if let existing = try place(identity, in: folder) { return (existing, false) }
        return (identity, true)
    }

    /// Puts an existing programme key (the text of a `cargosim keys init` `.key` file) in `folder`, so that the
    /// server signs with it. Nothing changes when the folder already holds the same key; a different key already
    /// there is refused (certificates it signed depend on it), never overwritten.
    public static func importKey(_ text: String, from source: String, into folder: URL) throws
        -> SigningIdentity
    {
        guard case .success(let identity) = parse(text) else {
            throw SigningKeyError(
                code: "key.malformed", path: source,
                message: "This is not a CargoSim private key file; give the .key file made by `cargosim keys init`.")
        }
        try makeFolder(folder)
        let keyFile = folder.appendingPathComponent(privateKeyName)
        if FileManager.default.fileExists(atPath: keyFile.path) {
            let existing = try read(keyFile)
            guard existing.keyId == identity.keyId else {
                throw SigningKeyError(
                    code: "key.other", path: keyFile.path,
                    message: "This server already signs with key \(existing.keyId), not \(identity.keyId); "
                        + "certificates it issued depend on it. Move the folder away first if you mean to replace it.")
            }
            return existing
        }
        guard let existing = try place(identity, in: folder) else { return identity }
        guard existing.keyId == identity.keyId else {
            throw SigningKeyError(
                code: "key.other", path: keyFile.path,
                message: "Another instance made key \(existing.keyId) in this folder while \(identity.keyId) was being "
                    + "imported; the server signs with \(existing.keyId). Move the folder away first if you mean to "
                    + "replace it.")
        }
        return existing
    }

    private static func makeFolder(_ folder: URL) throws {
        do { try makePrivateFolder(folder, mode: 0o700) } catch {
            throw SigningKeyError(
                code: "key.unwritable", path: folder.path,
                message: "Cannot make the key folder private (\(error)); check who owns it and that it is writable.")
        }
    }

    private static func read(_ keyFile: URL) throws -> SigningIdentity {
        do { try narrowFileMode(keyFile, mode: 0o600) } catch {
            throw SigningKeyError(
                code: "key.unwritable", path: keyFile.path,
                message: "Cannot make the signing key private to its owner (chmod 600: \(error)); check who owns it.")
        }
        let text: String
        do { text = try String(contentsOf: keyFile, encoding: .utf8) } catch {
            throw SigningKeyError(
                code: "key.unreadable", path: keyFile.path, message: "Cannot read the signing key (\(error)).")
        }
        switch parse(text) {
        case .success(let identity): return identity
        case .failure(let error):
            throw SigningKeyError(
                code: "key.malformed", path: keyFile.path,
                message: "\(error.message) Restore the key from its backup; do not replace it, or certificates "
                    + "already issued can no longer be checked against the server.")
        }
    }

    /// The key in a private key file's text (a Result: the 6.3.1 compiler crashes on some typed do-catch blocks).
    private static func parse(_ text: String) -> Result<SigningIdentity, CertificateError> {
        Result(catching: { () throws(CertificateError) -> SigningIdentity in try SigningIdentity(privateKeyText: text) }
        )
    }

    /// Puts `identity` in `folder` unless a key is there already, and returns that key then (nil: placed). Several
    /// instances sharing the folder may start at once, so the key is written aside and linked into place, which
    /// fails when another instance's key got there first: a key is never written over.
    static func place(_ identity: SigningIdentity, in folder: URL) throws -> SigningIdentity? {
        let keyFile = folder.appendingPathComponent(privateKeyName)
        let aside = folder.appendingPathComponent(".\(privateKeyName).\(getpid()).\(Tokens.random().prefix(8))")
        do {
            try writePrivately(Data(identity.privateKeyText.utf8), to: aside, mode: 0o600)
        } catch {
            throw SigningKeyError(
                code: "key.unwritable", path: keyFile.path, message: "Cannot write the signing key (\(error)).")
        }
        defer { try? FileManager.default.removeItem(at: aside) }
        if link(aside.path, keyFile.path) != 0 {
            guard errno == EEXIST else {
                throw SigningKeyError(
                    code: "key.unwritable", path: keyFile.path,
                    message: "Cannot write the signing key (\(String(cString: strerror(errno)))).")
            }
            return try read(keyFile)
        }
        do {
            try writePrivately(
                Data(identity.publicKeyText.utf8), to: folder.appendingPathComponent(publicKeyName), mode: 0o644)
        } catch {
            throw SigningKeyError(
                code: "key.unwritable", path: keyFile.path, message: "Cannot write the public key (\(error)).")
        }
        return nil
    }
}
