import ArgumentParser
import CargoModel
import CaseBundle
import Foundation
import Scoring

// MARK: - signoff

struct SignOffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "signoff",
        abstract: "Sign off, or check, a candidate trainer's supervised delivery with an expert's Ed25519 key.",
        discussion: """
            The supervising expert signs with their own key (made with `cargosim keys init --name EXPERT`) and \
            gives the candidate the file; `certify --role trainer --delivery FILE --expert-key EXPERT.pub` accepts \
            it only when it verifies against a trusted expert key and is not withdrawn. To withdraw a sign-off: \
            `cargosim certificate revoke SIGNOFF_ID --signing-key EXPERT.key --revocations FILE`.
            """,
        subcommands: [SignOffSignCommand.self, SignOffVerifyCommand.self])
}

extension DeliveryOutcome: ExpressibleByArgument {}

struct SignOffSignCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sign", abstract: "Sign a supervised delivery off (or ask for further supervision).")

    @Option(help: ArgumentHelp("The expert's private key (from `keys init`).", valueName: "file"))
    var signingKey: String
    @Option(help: "The expert's id.") var expert: String
    @Option(help: "The candidate trainer's id (the traineeId in their attempts).") var trainer: String
    @Option(help: "The course or delivery supervised (e.g. \"Foundation course, Callao, cohort 3\").")
    var course: String
    @Option(help: ArgumentHelp("The day the delivery ended.", valueName: "YYYY-MM-DD")) var deliveredOn: String
    @Option(help: "signedOff or furtherSupervision.") var outcome: DeliveryOutcome = .signedOff
    @Option(help: ArgumentHelp("The sign-off file to write.", valueName: "file")) var out: String

    func validate() throws {
        for (name, value) in [("--expert", expert), ("--trainer", trainer), ("--course", course)]
        where value.trimmingCharacters(in: .whitespaces).isEmpty {
            throw ValidationError("Give \(name) a value; the sign-off names it.")
        }
        guard let date = CalendarDate(parsing: deliveredOn) else {
            throw ValidationError("Give --delivered-on as YYYY-MM-DD (got \(deliveredOn)).")
        }
        if date > now().date {
            throw ValidationError("Give --delivered-on on or before today; a delivery is signed off after it ends.")
        }
    }

    func run() throws {
        let identity = loadSigningKey(signingKey)
        let signOff = SupervisedDelivery(
            keyId: identity.keyId, expert: expert, trainer: trainer, course: course,
            deliveredOn: CalendarDate(parsing: deliveredOn)!, outcome: outcome, signedAt: now())
        write(Certificates.signOff(signOff, with: identity), to: out)
        print(
            "Sign-off \(signOff.signOffId) (\(outcome.rawValue)) of \(trainer) by \(expert), key \(identity.keyId), written to \(out)"
        )
    }
}

struct SignOffVerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify", abstract: "Check a sign-off against the trusted expert keys and their revocation lists.")

    @Argument(help: ArgumentHelp("The sign-off file.", valueName: "file")) var file: String
    @OptionGroup var trust: ExpertTrust

    func validate() throws { try trust.validate(required: true) }

    func run() throws {
        switch trust.verify(file) {
        case .success(let verified):
            let s = verified.signOff
            print("VALID: \(s.outcome.rawValue): \(s.trainer) delivered \(s.course) on \(s.deliveredOn)")
            print("Signed by \(s.expert) (key \(s.keyId)) on \(s.signedAt.date); sign-off \(s.signOffId)")
        case .failure(let error):
            printError("INVALID: \(file): \(error.message)")
            throw ExitCode(1)
        }
    }
}

/// The expert keys a sign-off must verify against, and their revocation lists.
struct ExpertTrust: ParsableArguments {
    @Option(
        name: .customLong("expert-key"),
        help: ArgumentHelp("A trusted expert's public key (.pub); repeat for several experts.", valueName: "file"))
    var expertKeys: [String] = []
    @Option(
        name: .customLong("expert-revocations"),
        help: ArgumentHelp("An expert's signed revocation list; repeat for several.", valueName: "file"))
    var expertRevocations: [String] = []

    func validate(required: Bool) throws {
        if required, expertKeys.isEmpty {
            throw ValidationError(
                "Give --expert-key EXPERT.pub: the sign-off counts only when it verifies against a trusted expert's key."
            )
        }
    }

    /// Reads the keys and lists (exiting on an unreadable one) and verifies the sign-off file.
    func verify(_ file: String) -> Result<VerifiedDelivery, CertificateError> {
        let keys = expertKeys.map { path in
            do {
                return try SigningIdentity.publicKey(fromText: String(contentsOfFile: path, encoding: .utf8))
            } catch {
                fail(BundleError(code: "key.read", file: path, message: "\(error)"))
            }
        }
        var lists: [RevocationList] = []
        for path in expertRevocations {
            guard let data = try? Data(contentsOf: URL(fileURLWithPath: path)) else {
                fail(BundleError(code: "io.unreadable", file: path, message: "Cannot read this revocation list."))
            }
            // A list counts when one of the trusted keys signed it.
            let opened = keys.lazy.compactMap { try? Certificates.openRevocations(data, publicKey: $0) }.first
            guard let opened else {
                fail(
                    BundleError(
                        code: "revocations.untrusted", file: path,
                        message:
                            "This revocation list is not signed by any of the expert keys given; give the key that signed it."
                    ))
            }
            lists.append(opened)
        }
        guard let data = try? Data(contentsOf: URL(fileURLWithPath: file)) else {
            fail(BundleError(code: "io.unreadable", file: file, message: "Cannot read the sign-off; check the path."))
        }
        return Result { () throws(CertificateError) in
            try Certificates.verifySignOff(data, trustedKeys: keys, revocations: lists, now: now())
        }
    }
}
