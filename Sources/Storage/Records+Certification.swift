import CargoModel

/// A certificate the server issued: the signed file exactly as issued, what it says (for listing and looking up
/// without opening the file), who issued it, and its revocation when it was revoked.
public struct CertificateRecord: Hashable, Sendable, Codable {
    /// The certificate's id (16 hex digits, `CertificatePayload.certificateId`).
    public var id: String
    /// The account certified, when the subject is an account of this server.
    public var userId: Int64?
    /// The subject's id and name as the certificate prints them.
    public var subject: String
    public var subjectName: String
    /// `trainee` or `trainer`.
    public var role: String
    public var policyVersion: String
    /// The signing key's id.
    public var keyId: String
    /// The short code printed on the certificate (`Certificates.verificationCode`), unique.
    public var verificationCode: String
    /// The signed file (three lines), byte for byte.
    public var file: [UInt8]
    /// The decision it was issued on (the JSON of the evaluation: every reason with figure and threshold).
    public var decisionJSON: [UInt8]
    /// The username of who issued it.
    public var issuedBy: String
    public var issuedAt: Instant
    public var expiresAt: Instant
    /// Set once the certificate is revoked.
    public var revokedAt: Instant?
    public var revokedBy: String?
    public var revocationReason: String?

    public init(
        id: String, userId: Int64?, subject: String, subjectName: String, role: String, policyVersion: String,
        keyId: String, verificationCode: String, file: [UInt8], decisionJSON: [UInt8], issuedBy: String,
        issuedAt: Instant, expiresAt: Instant, revokedAt: Instant? = nil, revokedBy: String? = nil,
        revocationReason: String? = nil
    ) {
        self.id = id
        self.userId = userId
        self.subject = subject
        self.subjectName = subjectName
        self.role = role
        self.policyVersion = policyVersion
        self.keyId = keyId
        self.verificationCode = verificationCode
        self.file = file
        self.decisionJSON = decisionJSON
        self.issuedBy = issuedBy
        self.issuedAt = issuedAt
        self.expiresAt = expiresAt
        self.revokedAt = revokedAt
        self.revokedBy = revokedBy
        self.revocationReason = revocationReason
    }
}

/// A revocation list the server signed: its key, number, issue time and the signed file.
public struct RevocationListRecord: Hashable, Sendable, Codable {
    public var keyId: String
    /// 1 for the first list of a key, one more for each list after it.
    public var sequence: Int
    public var issuedAt: Instant
    /// The signed file (three lines), byte for byte.
    public var file: [UInt8]

    public init(keyId: String, sequence: Int, issuedAt: Instant, file: [UInt8]) {
        self.keyId = keyId
        self.sequence = sequence
        self.issuedAt = issuedAt
        self.file = file
    }
}

/// An attempt graded in a calibration round: a trainee's case in a class, as they made it.
public struct CalibrationItem: Hashable, Sendable, Codable {
    /// The item's id in the round: `<trainee username>/<case id>`.
    public var id: String
    public var groupId: Int64
    public var assignmentId: Int64
    public var caseId: String
    /// The username of the trainee whose attempt it is.
    public var trainee: String

    public init(id: String, groupId: Int64, assignmentId: Int64, caseId: String, trainee: String) {
        self.id = id
        self.groupId = groupId
        self.assignmentId = assignmentId
        self.caseId = caseId
        self.trainee = trainee
    }
}

/// A calibration round run on the server: the panel and the candidate trainers grade the same attempts on one scale;
/// when it is closed the grades are compared (`CalibrationRecord.run`).
public struct CalibrationRoundRecord: Hashable, Sendable, Codable {
    public var id: Int64
    public var name: String
    public var rubricVersion: String
    /// The grades, lowest first.
    public var scale: [String]
    public var items: [CalibrationItem]
    /// Usernames of the reference panel and of the candidates.
    public var panel: [String]
    public var candidates: [String]
    public var createdBy: String
    public var createdAt: Instant
    /// Set when the round is closed: no grade changes after it.
    public var closedAt: Instant?

    public init(
        id: Int64, name: String, rubricVersion: String, scale: [String], items: [CalibrationItem], panel: [String],
        candidates: [String], createdBy: String, createdAt: Instant, closedAt: Instant?
    ) {
        self.id = id
        self.name = name
        self.rubricVersion = rubricVersion
        self.scale = scale
        self.items = items
        self.panel = panel
        self.candidates = candidates
        self.createdBy = createdBy
        self.createdAt = createdAt
        self.closedAt = closedAt
    }
}

/// One grade given in a calibration round.
public struct CalibrationGrade: Hashable, Sendable, Codable {
    public var grader: String
    public var item: String
    public var grade: String
    public var gradedAt: Instant

    public init(grader: String, item: String, grade: String, gradedAt: Instant) {
        self.grader = grader
        self.item = item
        self.grade = grade
        self.gradedAt = gradedAt
    }
}

/// A supervised delivery's sign-off that the certifier recorded: the file the expert signed with their own key, and
/// the expert's public key it was verified against (the certifier's decision to trust that key).
public struct SignOffRecord: Hashable, Sendable, Codable {
    /// The sign-off's id (`SupervisedDelivery.signOffId`).
    public var id: String
    /// The candidate trainer's id and the expert's, as the sign-off names them.
    public var trainer: String
    public var expert: String
    /// The expert's key id, and the public key file's text.
    public var keyId: String
    public var expertPublicKey: String
    public var course: String
    /// The day the delivery ended (YYYY-MM-DD), and the expert's verdict (`signedOff`, `furtherSupervision`).
    public var deliveredOn: String
    public var outcome: String
    public var signedAt: Instant
    /// The signed file, byte for byte.
    public var file: [UInt8]
    public var recordedBy: String
    public var recordedAt: Instant

    public init(
        id: String, trainer: String, expert: String, keyId: String, expertPublicKey: String, course: String,
        deliveredOn: String, outcome: String, signedAt: Instant, file: [UInt8], recordedBy: String, recordedAt: Instant
    ) {
        self.id = id
        self.trainer = trainer
        self.expert = expert
        self.keyId = keyId
        self.expertPublicKey = expertPublicKey
        self.course = course
        self.deliveredOn = deliveredOn
        self.outcome = outcome
        self.signedAt = signedAt
        self.file = file
        self.recordedBy = recordedBy
        self.recordedAt = recordedAt
    }
}
