import POSIX

extension RedisError {
    /// A failed socket call as a client reports it. Refused, reset and timed-out get codes of their own,
    /// so a caller can tell "nothing listens there" from "it broke mid-conversation".
    public init(_ error: SocketError, endpoint: String, during phase: String) {
        let code: Code
        switch error.errno {
        // A missing Unix socket file means the same thing as a refused TCP port: nothing listens.
        case .connectionRefused, .noSuchFileOrDirectory: code = .connectionRefused
        case .connectionReset, .brokenPipe, .connectionAbort: code = .connectionReset
        case .timedOut: code = .timeout
        default: code = error.call == "getaddrinfo" ? .addressResolution : .io
        }
        // getaddrinfo's own reason rides in the error's target; errno is only the nearest match.
        let detail = code == .addressResolution ? error.description : "\(phase): \(error.errno)"
        self.init(code, endpoint: endpoint, detail: detail, errno: error.errno.rawValue)
    }
}
