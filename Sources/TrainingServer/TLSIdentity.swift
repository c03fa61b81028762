import Crypto
import Foundation
import NIOSSL
import SwiftASN1
import X509

#if canImport(Glibc)
    import Glibc
#endif

/// The server's self-signed certificate for HTTPS in the training room (`serve --lan`).
///
/// Made on first start in a folder of its own (mode 700) as `cert.pem` and `key.pem` (the P-256 key, mode 600),
/// for the machine's addresses and `localhost`, valid for two years; later starts reuse it, and make a new one
/// when it has expired (or expires within a day) or no longer names every address asked for. No authority signs
/// it, so browsers warn once; trainees check the SHA-256 fingerprint the server prints against the one the
/// browser shows before accepting it.
public struct TLSIdentity: Sendable {
    public let certificatePEM: String
    public let privateKeyPEM: String
    /// SHA-256 of the certificate (DER), as browsers show it: 32 upper-case hex pairs joined by colons.
    public let fingerprint: String
    public let notValidAfter: Date
    /// The IP addresses and DNS names the certificate is for.
    public let names: [String]

    static let validity: TimeInterval = 2 * 365 * 86_400

    /// Loads the identity in `folder`, or makes and writes a new one (see the type's summary); `created` tells
    /// which.
    public static func loadOrCreate(in folder: URL, addresses: [String], now: Date = Date()) throws -> (
        identity: TLSIdentity, created: Bool
    ) {
        let wanted = Set(addresses + ["127.0.0.1", "localhost"])
        let certificateFile = folder.appendingPathComponent("cert.pem")
        let keyFile = folder.appendingPathComponent("key.pem")
        if let certificate = try? String(contentsOf: certificateFile, encoding: .utf8),
            let key = try? String(contentsOf: keyFile, encoding: .utf8),
            let existing = try? TLSIdentity(certificatePEM: certificate, privateKeyPEM: key),
            existing.notValidAfter > now.addingTimeInterval(86_400), wanted.isSubset(of: Set(existing.names))
        {
            try restrict(folder: folder, key: keyFile)
            return (existing, false)
        }
        let identity = try make(names: wanted.sorted(), now: now)
        try FileManager.default.createDirectory(
            at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        try restrict(folder: folder, key: nil)
        try write(identity.privateKeyPEM, to: keyFile, mode: 0o600)
        try write(identity.certificatePEM, to: certificateFile, mode: 0o644)
        return (identity, true)
    }

    /// A new key and self-signed certificate for `names` (IPv4 addresses or DNS names), valid from an hour
    /// before `now` (clocks in a room differ) for two years.
    static func make(names: [String], now: Date) throws -> TLSIdentity {
        let key = P256.Signing.PrivateKey()
        let subject = try DistinguishedName {
            CommonName("CargoSim training server")
            OrganizationName("CargoSim")
        }
        let alternativeNames = names.map { name -> GeneralName in
            if let octets = ipv4Octets(name) { return .ipAddress(ASN1OctetString(contentBytes: octets[...])) }
            return .dnsName(name)
        }
        let extensions = try Certificate.Extensions {
            Critical(BasicConstraints.notCertificateAuthority)
            Critical(KeyUsage(digitalSignature: true))
            try ExtendedKeyUsage([.serverAuth])
            SubjectAlternativeNames(alternativeNames)
        }
        let certificate = try Certificate(
            version: .v3, serialNumber: .init(), publicKey: .init(key.publicKey),
            notValidBefore: now.addingTimeInterval(-3600), notValidAfter: now.addingTimeInterval(validity),
            issuer: subject, subject: subject, signatureAlgorithm: .ecdsaWithSHA256, extensions: extensions,
            issuerPrivateKey: .init(key))
        return try TLSIdentity(
            certificatePEM: certificate.serializeAsPEM().pemString + "\n", privateKeyPEM: key.pemRepresentation + "\n")
    }

    /// Reads a PEM certificate and key, checking that they belong together.
    init(certificatePEM: String, privateKeyPEM: String) throws {
        let certificate = try Certificate(pemEncoded: certificatePEM)
        let key = try P256.Signing.PrivateKey(pemRepresentation: privateKeyPEM)
        guard Certificate.PublicKey(key.publicKey) == certificate.publicKey else {
            throw TLSIdentityError(message: "key.pem does not belong to cert.pem")
        }
        var serializer = DER.Serializer()
        try serializer.serialize(certificate)
        self.certificatePEM = certificatePEM
        self.privateKeyPEM = privateKeyPEM
        fingerprint = SHA256.hash(data: serializer.serializedBytes).map { byte in
            let hex = String(byte, radix: 16, uppercase: true)
            return hex.count == 1 ? "0" + hex : hex
        }.joined(separator: ":")
        notValidAfter = certificate.notValidAfter
        names =
            (try? certificate.extensions.subjectAlternativeNames)??.compactMap { name -> String? in
                switch name {
                case .dnsName(let dns): return dns
                case .ipAddress(let octets) where octets.bytes.count == 4:
                    return octets.bytes.map(String.init).joined(separator: ".")
                default: return nil
                }
            } ?? []
    }

    /// The server side of TLS 1.2 and 1.3 with this certificate.
    func serverConfiguration() throws -> TLSConfiguration {
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: [.certificate(try NIOSSLCertificate(bytes: Array(certificatePEM.utf8), format: .pem))],
            privateKey: .privateKey(try NIOSSLPrivateKey(bytes: Array(privateKeyPEM.utf8), format: .pem)))
        configuration.minimumTLSVersion = .tlsv12
        return configuration
    }

    static func ipv4Octets(_ text: String) -> [UInt8]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        let octets = parts.compactMap { UInt8($0) }
        return octets.count == 4 ? octets : nil
    }

    /// Writes `text` to a file created with `mode` (never readable by others, even for a moment).
    static func write(_ text: String, to url: URL, mode: mode_t) throws {
        let temporary = url.path + ".new"
        unlink(temporary)
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL, mode)
        guard descriptor >= 0 else { throw TLSIdentityError(message: "cannot create \(temporary): errno \(errno)") }
        let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        do {
            try handle.write(contentsOf: Data(text.utf8))
            try handle.synchronize()
            try handle.close()
        } catch {
            unlink(temporary)
            throw TLSIdentityError(message: "cannot write \(url.path): \(error)")
        }
        guard rename(temporary, url.path) == 0 else {
            unlink(temporary)
            throw TLSIdentityError(message: "cannot write \(url.path): errno \(errno)")
        }
    }

    /// The folder 700 and the key 600, whatever they were made with.
    static func restrict(folder: URL, key: URL?) throws {
        guard chmod(folder.path, 0o700) == 0 else {
            throw TLSIdentityError(message: "cannot set the mode of \(folder.path) to 700: errno \(errno)")
        }
        if let key { _ = chmod(key.path, 0o600) }
    }
}

/// A certificate or key that cannot be read, made or written.
public struct TLSIdentityError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
