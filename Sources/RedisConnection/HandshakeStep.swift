import RESP

/// One command a connection sends before any user command, and the error a refusal means.
public struct HandshakeStep: Sendable {
    /// `HELLO 3 …`, `AUTH …` or `SELECT n`.
    public var command: [RedisArgument]
    /// What an error reply to it means (a refused password is not a bad database index).
    public var refused: RedisError.Code

    /// The command's name, for messages.
    public var name: String {
        if case .string(let s) = command.first { return s }
        return "?"
    }
}

extension ConnectionOptions {
    /// The handshake both clients send, in order: `HELLO 3` (carrying AUTH) for RESP3, else `AUTH`
    /// when there are credentials, then `SELECT` for a database other than 0.
    public var handshakeSteps: [HandshakeStep] {
        var steps: [HandshakeStep] = []
        if protocolVersion == .resp3 {
            var hello: [RedisArgument] = ["HELLO", "3"]
            if let credentials {
                hello += ["AUTH", .string(credentials.username ?? "default"), .string(credentials.password)]
            }
            steps.append(HandshakeStep(command: hello, refused: credentials == nil ? .handshakeFailed : .authenticationFailed))
        } else if let credentials {
            var auth: [RedisArgument] = ["AUTH"]
            if let username = credentials.username { auth.append(.string(username)) }
            auth.append(.string(credentials.password))
            steps.append(HandshakeStep(command: auth, refused: .authenticationFailed))
        }
        if database != 0 {
            steps.append(HandshakeStep(command: ["SELECT", .integer(Int64(database))], refused: .handshakeFailed))
        }
        return steps
    }
}
