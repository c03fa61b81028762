import Foundation
import HummingbirdBcrypt
import Storage

/// The rules for a new account, shared by `POST /api/users` and `cargosim users add|import`.
public struct AccountInput: Sendable, Decodable {
    public var username: String
    public var displayName: String
    public var role: Role
    public var password: String
    public var language: String

    public init(username: String, displayName: String, role: Role, password: String, language: String) {
        self.username = username
        self.displayName = displayName
        self.role = role
        self.password = password
        self.language = language
    }

    static let fields: Set<String> = ["username", "displayName", "role", "password", "language"]
    public static let minimumPasswordLength = 8
    /// bcrypt reads no further than this many bytes; a longer password is refused rather than cut silently.
    public static let maximumPasswordBytes = 72

    /// The first problem as (field, what to do), or nil when the account can be created.
    public func problem() -> (field: String, message: String)? {
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789._-")
        if username.isEmpty || username.count > 64 || !username.allSatisfy({ allowed.contains($0) }) {
            return ("username", "Use 1 to 64 lower-case letters, digits, dots, dashes or underscores.")
        }
        if displayName.trimmingCharacters(in: .whitespaces).isEmpty || displayName.count > 120 {
            return ("displayName", "Give the person's name (1 to 120 characters).")
        }
        if let problem = passwordProblem() { return ("password", problem) }
        if !TrainingServer.languages.contains(language) { return ("language", "Use en, es or pt.") }
        return nil
    }

    /// What is wrong with the password, if anything: 8 characters to 72 bytes (UTF-8), not only blanks, not one
    /// character repeated, not the username nor containing it (names of 4 characters or more), not a common
    /// password (`CommonPasswords`).
    func passwordProblem() -> String? {
        if password.utf8.count > Self.maximumPasswordBytes {
            return "Use at most \(Self.maximumPasswordBytes) bytes (bcrypt reads no further): 72 letters without "
                + "accents, fewer with accents or other scripts."
        }
        if password.count < Self.minimumPasswordLength {
            return "Use at least \(Self.minimumPasswordLength) characters."
        }
        if password.allSatisfy(\.isWhitespace) { return "Use more than blanks." }
        if Set(password).count == 1 { return "Use more than one character repeated." }
        let lowered = password.lowercased()
        if lowered == username || (username.count >= 4 && lowered.contains(username)) {
            return "Leave the username out of the password."
        }
        if CommonPasswords.all.contains(lowered.trimmingCharacters(in: .whitespaces)) {
            return "This is one of the most common passwords; choose another."
        }
        return nil
    }

    /// The account to store, with the password hashed by bcrypt at `cost`.
    public func newUser(cost: UInt8) -> NewUser {
        newUser(passwordHash: Bcrypt.hash(password, cost: cost))
    }

    func newUser(passwordHash: String) -> NewUser {
        NewUser(
            username: username, displayName: displayName, role: role, language: language, passwordHash: passwordHash)
    }
}
