import Dispatch
import RESP
import RedisConnection

/// Checks, before anything is measured, that every server accepts a connection with the run's
/// options and answers a command. A server that wants a password and got none answers every later
/// command with `NOAUTH`: without this check the run spins through its whole window on errors.
enum Handshake {
    static func check(_ endpoints: [Endpoint], connector: any RedisConnector, options: ConnectionOptions) async throws(HarnessError) {
        let queue = DispatchQueue(label: "lockbench.handshake")
        for endpoint in endpoints {
            let connection: any RedisConnection
            do { connection = try await connector.connect(to: endpoint, options: options, queue: queue) } catch {
                throw HarnessError(Self.explain(error, endpoint: endpoint, tls: options.tls != nil))
            }
            defer { connection.close() }
            let reply: RESPValue
            do { reply = try await connection.send(["PING"]) } catch {
                throw HarnessError(Self.explain(error, endpoint: endpoint, tls: options.tls != nil))
            }
            if let message = reply.errorMessage {
                throw HarnessError(Self.explain(refusal: message, endpoint: endpoint))
            }
            if let refusal = await SentinelTarget.refusalIfSentinel(connection) { throw HarnessError(refusal) }
        }
    }

    static let passwordFix = "give --password-env VAR or --password-file PATH (and --user NAME for an ACL user)"

    static func explain(refusal message: String, endpoint: Endpoint) -> String {
        if message.hasPrefix("NOAUTH") {
            return "\(endpoint) requires a password (it answered PING with '\(message)'): \(passwordFix)."
        }
        if message.hasPrefix("WRONGPASS") {
            return "\(endpoint) refused the credentials ('\(message)'): check the password source and --user."
        }
        return "\(endpoint) refused PING ('\(message)'): the run would only count errors; check the server's ACL and configuration."
    }

    static func explain(_ error: RedisError, endpoint: Endpoint, tls: Bool) -> String {
        switch error.code {
        case .authenticationFailed:
            return "\(error)."
        // A TLS port drops a client that speaks plain RESP to it, without a word.
        case .connectionReset where !tls, .connectionClosed where !tls:
            return "\(endpoint) dropped the connection before answering PING (\(error)); if that port serves TLS, add --tls (and --cacert)."
        case .protocolError, .closedMidReply:
            return "\(endpoint) is not answering as a Redis server (\(error)); check the address and port."
        case .timeout:
            return "\(endpoint) did not answer the handshake in time (\(error)); is it a Redis server, and is it paused or overloaded?"
        default:
            return "cannot connect: \(error)"
        }
    }
}
