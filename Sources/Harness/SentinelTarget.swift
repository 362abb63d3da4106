import Dispatch
import RESP
import RedisConnection

/// The sentinels of a run, the name of the primary they watch, and the options to ask them (their own
/// credentials) and to check the primary they name (the data servers' credentials).
struct SentinelTarget: Sendable {
    var sentinels: [Endpoint]
    var masterName: String
    var sentinelOptions: ConnectionOptions
    var dataOptions: ConnectionOptions

    /// What one sentinel said when asked for the primary.
    enum Answer: Sendable {
        case primary(Endpoint)
        case unknownName(known: [String])
        case notSentinel(reply: String)
        case needsAuth(reply: String)
        case unreachable(String)
    }

    /// Asks the sentinels in turn and returns the first primary that says, itself, that it is a master:
    /// a sentinel that lost touch with the others can still name the old primary after a failover.
    func resolve() async throws(HarnessError) -> Endpoint {
        var answers: [(Endpoint, Answer)] = []
        for sentinel in sentinels {
            let answer = await ask(sentinel)
            if case .primary(let endpoint) = answer {
                let role = await Self.role(of: endpoint, options: dataOptions)
                if role == "master" { return endpoint }
                answers.append((sentinel, .unreachable("it named \(endpoint) as the primary of '\(masterName)', but that server says \(role)")))
            } else {
                answers.append((sentinel, answer))
            }
        }
        throw HarnessError(Self.explain(answers, masterName: masterName))
    }

    /// One sentinel's answer to `SENTINEL GET-MASTER-ADDR-BY-NAME`.
    func ask(_ sentinel: Endpoint) async -> Answer {
        let connection: any RedisConnection
        do {
            connection = try await ClientConnectors.connector(for: .native).connect(
                to: sentinel, options: sentinelOptions, queue: DispatchQueue(label: "lockbench.sentinel.ask"))
        } catch {
            if error.code == .authenticationFailed { return .needsAuth(reply: error.description) }
            return .unreachable("\(error)")
        }
        defer { connection.close() }
        let reply: RESPValue
        do { reply = try await connection.send(["SENTINEL", "GET-MASTER-ADDR-BY-NAME", .string(masterName)]) } catch {
            return .unreachable("\(error)")
        }
        if let message = reply.errorMessage {
            if message.hasPrefix("NOAUTH") || message.hasPrefix("WRONGPASS") { return .needsAuth(reply: message) }
            if message.hasPrefix("ERR unknown command") { return .notSentinel(reply: message) }
            return .unreachable("it answered '\(message)'")
        }
        if reply.isNull {
            let masters = try? await connection.send(["SENTINEL", "MASTERS"])
            return .unknownName(known: Self.masterNames(masters))
        }
        guard let address = reply.elements, address.count == 2, let host = address[0].string,
              let port = address[1].string.flatMap({ Int($0) }) else {
            return .unreachable("it answered \(reply), not [ip, port]")
        }
        return .primary(.tcp(host: host, port: port))
    }

    /// The names in a `SENTINEL MASTERS` reply: one flat field/value list (RESP2) or map (RESP3) each.
    static func masterNames(_ reply: RESPValue?) -> [String] {
        (reply?.elements ?? []).compactMap { entry -> String? in
            if case .map(let pairs) = entry { return pairs.first { $0.key.string == "name" }?.value.string }
            let fields = entry.elements ?? []
            guard let at = fields.firstIndex(where: { $0.string == "name" }), at + 1 < fields.count else { return nil }
            return fields[at + 1].string
        }.sorted()
    }

    /// What `ROLE` says the server at `endpoint` is (`master`, `slave`, `sentinel`), or why it could not.
    static func role(of endpoint: Endpoint, options: ConnectionOptions) async -> String {
        do {
            let connection = try await ClientConnectors.connector(for: .native).connect(
                to: endpoint, options: options, queue: DispatchQueue(label: "lockbench.sentinel.role"))
            defer { connection.close() }
            let reply = try await connection.send(["ROLE"])
            if let message = reply.errorMessage { return "'\(message)' to ROLE" }
            return reply.elements?.first?.string ?? "\(reply) to ROLE"
        } catch {
            return "nothing (\(error))"
        }
    }

    /// Why a server named as a data server cannot be one: it is a Sentinel (which answers PING, so the
    /// handshake alone would pass, and then every lock command with `unknown command`).
    static func refusalIfSentinel(_ connection: any RedisConnection) async -> String? {
        guard let reply = try? await connection.send(["ROLE"]), reply.elements?.first?.string == "sentinel" else { return nil }
        let names = masterNames(try? await connection.send(["SENTINEL", "MASTERS"]))
        let endpoint = connection.endpoint
        return "--server \(endpoint) is a Sentinel, not a Redis server: give it as --sentinel \(endpoint) with --master-name \(names.first ?? "NAME")"
            + (names.isEmpty ? " (it monitors no primary yet)." : " (it monitors: \(names.joined(separator: ", "))).")
    }

    /// The one message for a primary no sentinel could give: the most specific cause first, since
    /// each asks for a different fix.
    static func explain(_ answers: [(Endpoint, Answer)], masterName: String) -> String {
        for (sentinel, answer) in answers {
            if case .unknownName(let known) = answer {
                let names = known.isEmpty ? "it monitors no primary at all" : "it monitors: \(known.joined(separator: ", "))"
                return "sentinel \(sentinel) does not know a primary named '\(masterName)' (--master-name); \(names). Give --master-name one of those names."
            }
        }
        for (sentinel, answer) in answers {
            if case .notSentinel(let reply) = answer {
                return "--sentinel \(sentinel) is not a Sentinel (it answered SENTINEL with '\(reply)'): it looks like a Redis server. Name it with --server \(sentinel), or give the sentinels' address (port 26379 by default) to --sentinel."
            }
        }
        for (sentinel, answer) in answers {
            if case .needsAuth(let reply) = answer {
                return "sentinel \(sentinel) refused us ('\(reply)'): give the sentinels' password with --sentinel-password-env VAR or --sentinel-password-file PATH (and --sentinel-user NAME for an ACL user); the data servers' --password-* do not apply to sentinels."
            }
        }
        let detail = answers.map { sentinel, answer -> String in
            if case .unreachable(let text) = answer { return "\(sentinel): \(text)" }
            return "\(sentinel): no answer"
        }.joined(separator: "; ")
        return "no sentinel named a reachable primary for '\(masterName)' (\(detail)). Check --sentinel and that the sentinels agree on a primary (SENTINEL GET-MASTER-ADDR-BY-NAME \(masterName))."
    }
}
