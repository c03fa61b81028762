import CargoModel
import Crypto
import Foundation

/// Why a certificate, key or revocation list was refused.
public struct CertificateError: Error, Hashable, Sendable, CustomStringConvertible {
    /// `certificate.malformed`, `certificate.unknownKey`, `certificate.signature`, `certificate.expired`,
    /// `certificate.notYetValid`, `certificate.revoked`, `key.malformed`, `revocations.*`.
    public var code: String
    public var field: String
    public var message: String

    public init(code: String, field: String, message: String) {
        self.code = code
        self.field = field
        self.message = message
    }

    public var description: String { "\(field): \(message)" }
}

/// What a certificate says. Signed as its exact canonical bytes (compact JSON, sorted keys, one line).
public struct CertificatePayload: Hashable, Sendable, Codable {
    public var formatVersion: Int
    /// Unique per certificate: 16 hex digits of SHA-256 over the key id, subject, role and issue time.
    public var certificateId: String
    /// The signing key's id (`SigningIdentity.keyId`).
    public var keyId: String
    /// Who issues (the training centre).
    public var issuer: String
    /// The certified person's id, and their name as printed.
    public var subject: String
    public var subjectName: String
    public var role: CertificationRole
    public var policyVersion: String
    public var issuedAt: Instant
    public var expiresAt: Instant
    /// The figures the decision rested on (`dPrime`, `hitRate`, `kappa` …), as printed.
    public var figures: [String: String]

    public init(
        keyId: String, issuer: String, subject: String, subjectName: String, role: CertificationRole,
        policyVersion: String, issuedAt: Instant, validityDays: Int, figures: [String: String]
    ) {
        formatVersion = 1
        let seed = "\(keyId)|\(subject)|\(role.rawValue)|\(issuedAt.millisecondsSinceEpoch)"
        certificateId = Crypto.SHA256.hash(data: Data(seed.utf8)).prefix(8).map { String(format: "%02x", $0) }.joined()
        self.keyId = keyId
        self.issuer = issuer
        self.subject = subject
        self.subjectName = subjectName
        self.role = role
        self.policyVersion = policyVersion
        self.issuedAt = issuedAt
        expiresAt = Instant(millisecondsSinceEpoch: issuedAt.millisecondsSinceEpoch + Int64(validityDays) * 86_400_000)
        self.figures = figures
    }
}

/// One revoked certificate.
public struct Revocation: Hashable, Sendable, Codable {
    public var certificateId: String
    public var revokedAt: Instant
    public var reason: String

    public init(certificateId: String, revokedAt: Instant, reason: String) {
        self.certificateId = certificateId
        self.revokedAt = revokedAt
        self.reason = reason
    }
}

/// The issuer's list of revoked certificates, signed like a certificate so that nobody can strip an entry.
///
/// Each list the issuer signs carries a sequence number (one more than the list it replaces) and its issue
/// time (`updatedAt`). A verifier accepts a list only when it is fresh: issued within the policy's limit
/// (`CertificationPolicy.revocationListMaximumAgeDays`) before the time of verification, so that an older
/// genuine list, from before a revocation, cannot be kept and shown to make a revoked certificate pass.
public struct RevocationList: Hashable, Sendable, Codable {
    public var keyId: String
    /// When the issuer signed this list (its issue time).
    public var updatedAt: Instant
    /// 1 for the first list, one more for each list signed after it. Lists signed before sequence numbers
    /// existed have none and read as 0.
    public var sequence: Int?
    public var revocations: [Revocation]

    public init(keyId: String, updatedAt: Instant, sequence: Int? = nil, revocations: [Revocation]) {
        self.keyId = keyId
        self.updatedAt = updatedAt
        self.sequence = sequence
        self.revocations = revocations
    }

    /// The issue time.
    public var issuedAt: Instant { updatedAt }
}

/// Whether a certificate's revocation was checked, and against which list.
public enum RevocationStatus: Hashable, Sendable {
    /// A fresh list (number, issue time) does not name the certificate.
    case notRevoked(sequence: Int, issuedAt: Instant)
    /// No list was given: the signature and dates are good, but nobody knows whether it was revoked.
    case notChecked
    /// The list given is older than the limit: the signature and dates are good, revocation is unknown.
    case listTooOld(sequence: Int, issuedAt: Instant, maximumAgeDays: Int)

    /// Only a fresh list that does not name the certificate makes it valid.
    public var isChecked: Bool { if case .notRevoked = self { true } else { false } }
}

/// A certificate whose signature and dates verified, and what is known of its revocation.
public struct VerifiedCertificate: Hashable, Sendable {
    public var payload: CertificatePayload
    public var revocation: RevocationStatus
}

/// A signing key pair (Ed25519) and its id. Keys come in and go out as text; nothing here touches a file.
public struct SigningIdentity {
    public let privateKey: Curve25519.Signing.PrivateKey

    public init(privateKey: Curve25519.Signing.PrivateKey) { self.privateKey = privateKey }

    /// A new key from the system's secure random source (swift-crypto).
    public static func generate() -> SigningIdentity { SigningIdentity(privateKey: .init()) }

    public var publicKey: Curve25519.Signing.PublicKey { privateKey.publicKey }
    public var keyId: String { Self.keyId(of: publicKey) }

    /// 16 hex digits of SHA-256 over the raw public key.
    public static func keyId(of key: Curve25519.Signing.PublicKey) -> String {
        Crypto.SHA256.hash(data: key.rawRepresentation).prefix(8).map { String(format: "%02x", $0) }.joined()
    }

    static let privateHeader = "CARGOSIM ED25519 PRIVATE KEY"
    static let publicHeader = "CARGOSIM ED25519 PUBLIC KEY"

    /// The private key file's text. Keep it secret.
    public var privateKeyText: String { "\(Self.privateHeader)\n\(hex(privateKey.rawRepresentation))\n" }
    /// The public key file's text: give it to anyone who verifies.
    public var publicKeyText: String { Self.publicKeyText(publicKey) }

    public static func publicKeyText(_ key: Curve25519.Signing.PublicKey) -> String {
        "\(publicHeader)\nkey-id \(keyId(of: key))\n\(hex(key.rawRepresentation))\n"
    }

    public init(privateKeyText text: String) throws(CertificateError) {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.count >= 2, lines[0] == Self.privateHeader, let bytes = unhex(lines[1]), bytes.count == 32,
            let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: bytes)
        else {
            throw CertificateError(
                code: "key.malformed", field: "private key",
                message: "This is not a CargoSim private key file; make one with `cargosim keys init`.")
        }
        privateKey = key
    }

    public static func publicKey(fromText text: String) throws(CertificateError) -> Curve25519.Signing.PublicKey {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.count >= 3, lines[0] == publicHeader, let bytes = unhex(lines[2]), bytes.count == 32,
            let key = try? Curve25519.Signing.PublicKey(rawRepresentation: bytes),
            lines[1] == "key-id \(keyId(of: key))"
        else {
            throw CertificateError(
                code: "key.malformed", field: "public key",
                message:
                    "This is not a CargoSim public key file; ask the issuer for the .pub file made by `cargosim keys init`."
            )
        }
        return key
    }
}

/// Signing and verifying certificates and revocation lists.
///
/// A signed document is three lines: a header naming its kind, the payload as canonical JSON (sorted keys,
/// compact, so one line), and the Ed25519 signature over exactly the payload line's bytes as 128 lowercase
/// hex digits; the file ends with a newline. The reader accepts exactly that form, so that every change of
/// any byte of the file is refused: the payload bytes are signed, the signature is checked (swift-crypto
/// rejects non-canonical signatures), the header and hex are compared exactly, and the payload must be the
/// canonical encoding of what it decodes to.
public enum Certificates {
    public static let certificateHeader = "CARGOSIM CERTIFICATE v1"
    public static let revocationHeader = "CARGOSIM REVOCATION LIST v1"

    static func canonical<T: Encodable>(_ value: T) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Payloads hold strings, integers and Instants only: encoding cannot fail.
        return try! encoder.encode(value)
    }

    static func sign<T: Encodable>(_ value: T, header: String, with identity: SigningIdentity) -> Data {
        let payload = canonical(value)
        let signature = try! identity.privateKey.signature(for: payload)
        var out = Data((header + "\n").utf8)
        out.append(payload)
        out.append(Data(("\n" + hex(signature) + "\n").utf8))
        return out
    }

    /// Opens a signed document: exact form, key id, signature. Returns the payload.
    static func open<T: Decodable & Encodable>(
        _ type: T.Type, _ data: Data, header: String, kind: String,
        publicKey: Curve25519.Signing.PublicKey,
        keyIdOf: (T) -> String
    ) throws(CertificateError) -> T {
        let bytes = [UInt8](data)
        let parts = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        guard parts.count == 4, parts[3].isEmpty, Array(parts[0]) == Array(header.utf8) else {
            throw CertificateError(
                code: "\(kind).malformed", field: "file",
                message:
                    "This is not a CargoSim \(kind) (three lines: header, payload, signature); ask the issuer for the original file."
            )
        }
        let payload = Data(parts[1])
        let signatureText = String(decoding: parts[2], as: UTF8.self)
        guard signatureText.utf8.count == 128,
            signatureText.utf8.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) }),
            let signature = unhex(Substring(signatureText))
        else {
            throw CertificateError(
                code: "\(kind).malformed", field: "signature",
                message: "The signature line must be 128 lowercase hex digits; the file was altered.")
        }
        let value: T
        do { value = try JSONDecoder().decode(T.self, from: payload) } catch {
            throw CertificateError(
                code: "\(kind).malformed", field: "payload",
                message: "The payload is not readable JSON (\(error)); the file was altered.")
        }
        guard canonical(value) == payload else {
            throw CertificateError(
                code: "\(kind).malformed", field: "payload",
                message: "The payload is not in canonical form; the file was altered.")
        }
        let expected = SigningIdentity.keyId(of: publicKey)
        guard keyIdOf(value) == expected else {
            throw CertificateError(
                code: "\(kind).unknownKey", field: "keyId",
                message:
                    "Signed by key \(keyIdOf(value)), not by the key given (\(expected)); get the issuer's public key for that id."
            )
        }
        guard publicKey.isValidSignature(signature, for: payload) else {
            throw CertificateError(
                code: "\(kind).signature", field: "signature",
                message: "The signature does not match the content; the file was altered or forged.")
        }
        return value
    }

    /// Signs a certificate payload: the file's bytes.
    public static func issue(_ payload: CertificatePayload, with identity: SigningIdentity) -> Data {
        precondition(payload.keyId == identity.keyId, "the payload names another key")
        return sign(payload, header: certificateHeader, with: identity)
    }

    /// Signs a revocation list: the file's bytes.
    public static func sign(_ list: RevocationList, with identity: SigningIdentity) -> Data {
        precondition(list.keyId == identity.keyId, "the list names another key")
        return sign(list, header: revocationHeader, with: identity)
    }

    /// Reads a revocation list and checks its signature.
    public static func openRevocations(_ data: Data, publicKey: Curve25519.Signing.PublicKey) throws(CertificateError)
        -> RevocationList
    {
        try open(RevocationList.self, data, header: revocationHeader, kind: "revocations", publicKey: publicKey) {
            $0.keyId
        }
    }

    /// Verifies a certificate file's form, key, signature and validity at `now`: **not its revocation**. Use
    /// `verify(_:publicKey:revocations:maximumListAgeDays:now:)` to say whether a certificate holds.
    public static func verifySignature(_ data: Data, publicKey: Curve25519.Signing.PublicKey, now: Instant)
        throws(CertificateError) -> CertificatePayload
    {
        let payload = try open(
            CertificatePayload.self, data, header: certificateHeader, kind: "certificate",
            publicKey: publicKey
        ) { $0.keyId }
        guard now >= payload.issuedAt else {
            throw CertificateError(
                code: "certificate.notYetValid", field: "issuedAt",
                message: "The certificate is dated \(payload.issuedAt), after now (\(now)); check the clock.")
        }
        guard now < payload.expiresAt else {
            throw CertificateError(
                code: "certificate.expired", field: "expiresAt",
                message: "The certificate expired on \(payload.expiresAt); the holder must recertify.")
        }
        return payload
    }

    /// Verifies a certificate: form, key, signature, validity at `now`, and revocation.
    ///
    /// The revocation list (already opened with the same key) must be fresh: issued at most `maximumListAgeDays`
    /// before `now` and not after it. A list that names the certificate refuses it whatever its age (a revocation
    /// never lapses). Without a list, or with one too old, the result says so (`.notChecked`, `.listTooOld`):
    /// never "valid" silently.
    /// - Throws: `certificate.*` for a bad, expired or revoked certificate; `revocations.unknownKey` for a list of
    ///   another issuer; `revocations.notYetValid` for a list dated after `now`.
    public static func verify(
        _ data: Data, publicKey: Curve25519.Signing.PublicKey, revocations: RevocationList?, maximumListAgeDays: Int,
        now: Instant
    ) throws(CertificateError) -> VerifiedCertificate {
        let payload = try verifySignature(data, publicKey: publicKey, now: now)
        guard let revocations else { return VerifiedCertificate(payload: payload, revocation: .notChecked) }
        guard revocations.keyId == payload.keyId else {
            throw CertificateError(
                code: "revocations.unknownKey", field: "keyId",
                message: "The revocation list is signed by key \(revocations.keyId), not the certificate's (\(payload.keyId)).")
        }
        if let entry = revocations.revocations.first(where: { $0.certificateId == payload.certificateId }) {
            throw CertificateError(
                code: "certificate.revoked", field: "certificateId",
                message: "Certificate \(payload.certificateId) was revoked on \(entry.revokedAt): \(entry.reason).")
        }
        guard revocations.issuedAt <= now else {
            throw CertificateError(
                code: "revocations.notYetValid", field: "updatedAt",
                message: "The revocation list is dated \(revocations.issuedAt), after now (\(now)); check the clock.")
        }
        let sequence = revocations.sequence ?? 0
        let age = now.millisecondsSinceEpoch - revocations.issuedAt.millisecondsSinceEpoch
        guard age <= Int64(maximumListAgeDays) * 86_400_000 else {
            return VerifiedCertificate(
                payload: payload,
                revocation: .listTooOld(
                    sequence: sequence, issuedAt: revocations.issuedAt, maximumAgeDays: maximumListAgeDays))
        }
        return VerifiedCertificate(
            payload: payload, revocation: .notRevoked(sequence: sequence, issuedAt: revocations.issuedAt))
    }

    /// The first line of a supervised-delivery sign-off file.
    public static let signOffHeader = "CARGOSIM DELIVERY SIGN-OFF v1"

    /// Signs an expert's sign-off of a supervised delivery with the expert's own key: the file's bytes (the same
    /// three-line form as a certificate).
    public static func signOff(_ signOff: SupervisedDelivery, with identity: SigningIdentity) -> Data {
        precondition(signOff.keyId == identity.keyId, "the sign-off names another key")
        return sign(signOff, header: signOffHeader, with: identity)
    }

    /// Verifies a sign-off file: its form, that it is signed by one of the trusted expert keys (matched by key
    /// id), that the signature covers exactly its bytes, that it is not dated in the future, and that no
    /// revocation list signed by the same expert key names it.
    ///
    /// - Parameters:
    ///   - trustedKeys: the public keys of the experts the programme trusts to supervise deliveries.
    ///   - revocations: revocation lists already opened (`openRevocations`) with those keys; only a list signed
    ///     by the sign-off's own key can withdraw it.
    /// - Throws: `CertificateError` with codes `signOff.malformed`, `signOff.unknownKey`, `signOff.signature`,
    ///   `signOff.notYetValid`, `signOff.revoked`.
    public static func verifySignOff(
        _ data: Data, trustedKeys: [Curve25519.Signing.PublicKey], revocations: [RevocationList] = [], now: Instant
    ) throws(CertificateError) -> VerifiedDelivery {
        var signOff: SupervisedDelivery?
        var lastError: CertificateError?
        for key in trustedKeys {
            do throws(CertificateError) {
                signOff = try open(
                    SupervisedDelivery.self, data, header: signOffHeader, kind: "signOff", publicKey: key
                ) { $0.keyId }
                break
            } catch {
                guard error.code == "signOff.unknownKey" else { throw error }
                lastError = error
            }
        }
        guard let signOff else {
            let trusted = trustedKeys.map { SigningIdentity.keyId(of: $0) }.joined(separator: ", ")
            throw CertificateError(
                code: "signOff.unknownKey", field: "keyId",
                message: lastError == nil
                    ? "No trusted expert key was given; give the supervising expert's public key (.pub)."
                    : "Not signed by a trusted expert key (trusted: \(trusted)); "
                        + "get the supervising expert's public key, or have a trusted expert sign the delivery off.")
        }
        guard signOff.signedAt <= now else {
            throw CertificateError(
                code: "signOff.notYetValid", field: "signedAt",
                message: "The sign-off is dated \(signOff.signedAt), after now (\(now)); check the clock.")
        }
        for list in revocations where list.keyId == signOff.keyId {
            if let entry = list.revocations.first(where: { $0.certificateId == signOff.signOffId }) {
                throw CertificateError(
                    code: "signOff.revoked", field: "signOffId",
                    message: "The expert withdrew sign-off \(signOff.signOffId) on \(entry.revokedAt): \(entry.reason)."
                )
            }
        }
        return VerifiedDelivery(signOff)
    }

    /// A short code printed on the certificate and shown by `certificate verify`: 10 base-32 characters of
    /// SHA-256 over the whole file, as `XXXXX-XXXXX`.
    public static func verificationCode(_ data: Data) -> String {
        let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ")
        var value: UInt64 = 0
        for byte in Crypto.SHA256.hash(data: data).prefix(8) { value = value << 8 | UInt64(byte) }
        var characters: [Character] = []
        for _ in 0..<10 {
            characters.append(alphabet[Int(value & 31)])
            value >>= 5
        }
        return String(characters.prefix(5)) + "-" + String(characters.suffix(5))
    }

    /// A printable HTML page of a certificate (A4, no scripts, no external resources).
    ///
    /// - Parameter text: translation `(key, parameters) -> text` for the labels (`certificate.*`).
    public static func html(_ payload: CertificatePayload, file: Data, text: (String, [String: String]) -> String)
        -> String
    {
        // The figures in the order a reader follows the decision: the evidence, the detection, its uncertainty, then
        // agreement; any other after, by name.
        let order = [
            "concealmentCases", "cleanCases", "hits", "falseAlarms", "hitRate", "falseAlarmRate", "dPrime", "dPrimeLower",
            "dPrimeUpper", "criterion", "aPrime", "meanScore", "kappa", "weightedKappa", "alpha", "rubric",
        ]
        let rank = Dictionary(order.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        let keys = payload.figures.keys.sorted { (rank[$0] ?? order.count, $0) < (rank[$1] ?? order.count, $1) }
        let figures = keys.map { key in
            "<tr><th>\(escapeHTML(text("figure.\(key)", [:])))</th><td>\(escapeHTML(payload.figures[key]!))</td></tr>"
        }.joined(separator: "\n")
        return """
            <!DOCTYPE html>
            <html><head><meta charset="utf-8"><title>\(escapeHTML(text("certificate.title", [:])))</title>
            <style>
            @page { size: A4; margin: 20mm; }
            body { font-family: Georgia, serif; max-width: 170mm; margin: auto; color: #111; }
            h1 { text-align: center; font-size: 28pt; margin-bottom: 0; }
            .subject { text-align: center; font-size: 22pt; margin: 12mm 0 4mm; }
            .role { text-align: center; font-size: 14pt; }
            table { margin: 10mm auto; border-collapse: collapse; }
            th, td { padding: 1mm 4mm; border-bottom: 1px solid #ccc; text-align: left; font-weight: normal; }
            .code { font-family: monospace; font-size: 18pt; letter-spacing: 2px; text-align: center; border: 2px solid #111; padding: 3mm; margin: 8mm auto; width: 70mm; }
            .small { font-size: 9pt; color: #444; text-align: center; }
            .signatures { display: flex; justify-content: space-between; gap: 20mm; margin-top: 18mm; }
            .signatures div { flex: 1; border-top: 1px solid #111; padding-top: 2mm; font-size: 10pt; text-align: center; }
            </style></head><body>
            <h1>\(escapeHTML(text("certificate.title", [:])))</h1>
            <p class="role">\(escapeHTML(payload.issuer))</p>
            <p class="subject">\(escapeHTML(payload.subjectName)) <small>(\(escapeHTML(payload.subject)))</small></p>
            <p class="role">\(escapeHTML(text("certificate.role.\(payload.role.rawValue)", [:])))</p>
            <table>
            <tr><th>\(escapeHTML(text("certificate.policy", [:])))</th><td>\(escapeHTML(payload.policyVersion))</td></tr>
            <tr><th>\(escapeHTML(text("certificate.issued", [:])))</th><td>\(payload.issuedAt.date)</td></tr>
            <tr><th>\(escapeHTML(text("certificate.expires", [:])))</th><td>\(payload.expiresAt.date)</td></tr>
            \(figures)
            </table>
            <div class="signatures">
            <div>\(escapeHTML(text("certificate.signature", [:])))<br>\(escapeHTML(payload.issuer))</div>
            <div>\(escapeHTML(text("certificate.placeAndDate", [:])))</div>
            </div>
            <div class="code">\(verificationCode(file))</div>
            <p class="small">\(escapeHTML(text("certificate.howToVerify", ["id": payload.certificateId, "keyId": payload.keyId])))</p>
            </body></html>

            """
    }
}

func hex(_ bytes: some DataProtocol) -> String {
    let digits = Array("0123456789abcdef".utf8)
    var out = [UInt8]()
    out.reserveCapacity(bytes.count * 2)
    for b in bytes {
        out.append(digits[Int(b >> 4)])
        out.append(digits[Int(b & 15)])
    }
    return String(decoding: out, as: UTF8.self)
}

func unhex(_ text: Substring) -> Data? {
    let utf8 = Array(text.utf8)
    guard utf8.count % 2 == 0 else { return nil }
    func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case 48...57: return c - 48
        case 97...102: return c - 87
        default: return nil
        }
    }
    var out = Data(capacity: utf8.count / 2)
    var i = 0
    while i < utf8.count {
        guard let hi = nibble(utf8[i]), let lo = nibble(utf8[i + 1]) else { return nil }
        out.append(hi << 4 | lo)
        i += 2
    }
    return out
}

/// Escapes `&`, `<`, `>`, `"` and `'` for HTML text and attributes.
public func escapeHTML(_ text: String) -> String {
    var out = ""
    out.reserveCapacity(text.count)
    for c in text {
        switch c {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        case "'": out += "&#39;"
        default: out.append(c)
        }
    }
    return out
}
