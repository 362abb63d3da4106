import RESP
import RedisConnection

extension NativeConnection {
    /// Sends HELLO/AUTH/SELECT ahead of any user command, pipelined; the last reply makes the connection ready.
    func sendHandshake() {
        let steps = options.handshakeSteps
        guard !steps.isEmpty else {
            becomeReady()
            return
        }
        let last = steps.count - 1
        for (i, step) in steps.enumerated() {
            let name = step.name
            enqueue(step.command) { [weak self] reply in
                guard let self else { return }
                switch reply {
                case .success(let value):
                    if let message = value.errorMessage {
                        let code: RedisError.Code = message.hasPrefix("WRONGPASS") || message.hasPrefix("NOAUTH") ? .authenticationFailed : step.refused
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
