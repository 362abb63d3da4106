import RESP
import RedisConnection

extension NativeConnection {
    /// Sends HELLO/AUTH/SELECT ahead of any user command, pipelined; the last reply makes the connection ready.
    func sendHandshake() {
        var steps: [(command: [RedisArgument], failure: RedisError.Code)] = []
        let credentials = options.credentials
        if options.protocolVersion == .resp3 {
            var hello: [RedisArgument] = ["HELLO", "3"]
            if let credentials {
                hello += ["AUTH", .string(credentials.username ?? "default"), .string(credentials.password)]
            }
            steps.append((hello, credentials == nil ? .handshakeFailed : .authenticationFailed))
        } else if let credentials {
            var auth: [RedisArgument] = ["AUTH"]
            if let user = credentials.username { auth.append(.string(user)) }
            auth.append(.string(credentials.password))
            steps.append((auth, .authenticationFailed))
        }
        if options.database != 0 {
            steps.append((["SELECT", .integer(Int64(options.database))], .handshakeFailed))
        }
        guard !steps.isEmpty else {
            becomeReady()
            return
        }
        let last = steps.count - 1
        for (i, step) in steps.enumerated() {
            let name: String
            if case .string(let s) = step.command[0] { name = s } else { name = "?" }
            enqueue(step.command) { [weak self] reply in
                guard let self else { return }
                switch reply {
                case .success(let value):
                    if let message = value.errorMessage {
                        let code: RedisError.Code = message.hasPrefix("WRONGPASS") || message.hasPrefix("NOAUTH") ? .authenticationFailed : step.failure
                        self.fail(RedisError(code, endpoint: self.endpoint.description, detail: "\(name) replied \(message)"))
                    } else if i == last {
                        self.becomeReady()
                    }
                case .failure(let error):
                    self.fail(error)
                }
            }
        }
    }
}
