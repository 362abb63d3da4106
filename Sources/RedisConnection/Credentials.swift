import Foundation

/// A password, and optionally an ACL user, for `AUTH`.
///
/// Secrets never travel on the command line (where `ps` shows them): they come from an
/// environment variable or a file, never from a flag's value.
public struct Credentials: Sendable, Hashable {
    /// ACL user name; `nil` authenticates as the default user (`AUTH password`).
    public var username: String?
    public var password: String

    /// Makes credentials from values already in memory.
    public init(username: String? = nil, password: String) {
        self.username = username
        self.password = password
    }

    /// Reads the password from environment variable `variable`.
    public static func fromEnvironment(
        variable: String, username: String? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(CredentialsError) -> Credentials {
        guard let value = environment[variable] else {
            throw CredentialsError(source: "environment variable \(variable)", reason: "it is not set; export it before running")
        }
        guard !value.isEmpty else {
            throw CredentialsError(source: "environment variable \(variable)", reason: "it is empty")
        }
        return Credentials(username: username, password: value)
    }

    /// Reads the password from the first line of the file at `path` (a trailing newline is dropped).
    public static func fromFile(path: String, username: String? = nil) throws(CredentialsError) -> Credentials {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw CredentialsError(source: "password file \(path)", reason: "cannot be read (\(error.localizedDescription))")
        }
        var text = String(decoding: data, as: UTF8.self)
        if let newline = text.firstIndex(where: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }) {
            text = String(text[..<newline])
        }
        guard !text.isEmpty else {
            throw CredentialsError(source: "password file \(path)", reason: "its first line is empty")
        }
        return Credentials(username: username, password: text)
    }
}

/// Why a password could not be read.
public struct CredentialsError: Error, Sendable, CustomStringConvertible {
    /// Where the password was to come from.
    public var source: String
    /// What went wrong.
    public var reason: String
    /// Names the source and the problem.
    public var description: String { "cannot read the Redis password from \(source): \(reason)" }
}
