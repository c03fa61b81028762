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

    /// The first problem as (field, what to do), or nil when the account can be created.
    public func problem() -> (field: String, message: String)? {
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789._-")
        if username.isEmpty || username.count > 64 || !username.allSatisfy({ allowed.contains($0) }) {
            return ("username", "Use 1 to 64 lower-case letters, digits, dots, dashes or underscores.")
        }
        if displayName.trimmingCharacters(in: .whitespaces).isEmpty || displayName.count > 120 {
            return ("displayName", "Give the person's name (1 to 120 characters).")
        }
        if password.count < Self.minimumPasswordLength || password.count > 128 {
            return ("password", "Use a password of \(Self.minimumPasswordLength) to 128 characters.")
        }
        if !TrainingServer.languages.contains(language) { return ("language", "Use en, es or pt.") }
        return nil
    }

    /// The account to store, with the password hashed by bcrypt at `cost`.
    public func newUser(cost: UInt8) -> NewUser {
        NewUser(
            username: username, displayName: displayName, role: role, language: language,
            passwordHash: Bcrypt.hash(password, cost: cost))
    }
}
