import Harness
import Locks
import LoadDriver
import RedisConnection
import Yams

/// A plan scenario's settings keys: `bench run`'s flag names, each filling the same `ScenarioSettings`
/// field its flag fills, so a plan is validated exactly as the command line is.
enum PlanSettingKeys {
    /// A value the key cannot take: the message, located by the caller at the value's node.
    struct Refusal: Error {
        var message: String
    }

    typealias Setter = @Sendable (inout ScenarioSettings, Node) throws(Refusal) -> Void

    /// Every settings key, in `bench run --help` order.
    static let all: [(key: String, set: Setter)] = [
        ("algorithm", { s, n throws(Refusal) in s.algorithm = try choice(n, LockAlgorithmKind.self) }),
        ("wait", { s, n throws(Refusal) in s.wait = try choice(n, WaitStrategy.Kind.self) }),
        ("contenders", { s, n throws(Refusal) in s.contenders = try int(n) }),
        ("keys", { s, n throws(Refusal) in s.keys = try int(n) }),
        ("key-dist", { s, n throws(Refusal) in s.keyDist = try text(n) }),
        ("connections", { s, n throws(Refusal) in s.connections = try int(n) }),
        ("pipeline", { s, n throws(Refusal) in s.pipeline = try int(n) }),
        ("ttl", { s, n throws(Refusal) in s.ttl = try text(n) }),
        ("hold", { s, n throws(Refusal) in s.hold = try text(n) }),
        ("think", { s, n throws(Refusal) in s.think = try text(n) }),
        ("duration", { s, n throws(Refusal) in s.duration = try text(n) }),
        ("warmup", { s, n throws(Refusal) in s.warmup = try text(n) }),
        ("requests", { s, n throws(Refusal) in s.requests = try int(n) }),
        ("rate", { s, n throws(Refusal) in s.rate = try number(n) }),
        ("arrivals", { s, n throws(Refusal) in s.arrivals = try choice(n, Arrivals.self) }),
        ("redlock-nodes", { s, n throws(Refusal) in s.redlockNodes = try int(n) }),
        ("drift-factor", { s, n throws(Refusal) in s.driftFactor = try number(n) }),
        ("drift-fixed", { s, n throws(Refusal) in s.driftFixed = try text(n) }),
        ("fixed-delay", { s, n throws(Refusal) in s.waitTimes.fixedDelay = try text(n) }),
        ("backoff-base", { s, n throws(Refusal) in s.waitTimes.backoffBase = try text(n) }),
        ("backoff-cap", { s, n throws(Refusal) in s.waitTimes.backoffCap = try text(n) }),
        ("fallback", { s, n throws(Refusal) in s.waitTimes.fallback = try text(n) }),
        ("clock-skew", { s, n throws(Refusal) in s.clockSkew = try text(n) }),
        ("acquire-timeout", { s, n throws(Refusal) in s.acquireTimeout = try text(n) }),
        ("command-timeout", { s, n throws(Refusal) in s.commandTimeout = try text(n) }),
        ("server", { s, n throws(Refusal) in s.servers = try endpoints(n) }),
        ("unix", { s, n throws(Refusal) in s.unix = try bool(n) }),
        ("user", { s, n throws(Refusal) in s.user = try text(n) }),
        ("password-env", { s, n throws(Refusal) in s.password = .environment(variable: try text(n)) }),
        ("password-file", { s, n throws(Refusal) in s.password = .file(path: try text(n)) }),
        ("db", { s, n throws(Refusal) in s.db = try int(n) }),
        ("seed", { s, n throws(Refusal) in
            guard let seed = UInt64(try text(n)) else { throw Refusal(message: "expects a whole number from 0 to 2^64-1") }
            s.seed = seed
        }),
        ("queues", { s, n throws(Refusal) in s.queues = try int(n) }),
        ("reply-wait", { s, n throws(Refusal) in s.replyWait = try text(n) }),
    ]

    static let setters: [String: Setter] = Dictionary(all.map { ($0.key, $0.set) }, uniquingKeysWith: { a, _ in a })

    static func text(_ node: Node) throws(Refusal) -> String {
        guard let scalar = node.scalar else { throw Refusal(message: "expects a single value, not a list or a mapping") }
        return scalar.string
    }

    static func int(_ node: Node) throws(Refusal) -> Int {
        let value = try text(node)
        guard let n = Int(value) else { throw Refusal(message: "'\(value)' is not a whole number") }
        return n
    }

    static func number(_ node: Node) throws(Refusal) -> Double {
        let value = try text(node)
        guard let x = Double(value) else { throw Refusal(message: "'\(value)' is not a number") }
        return x
    }

    static func bool(_ node: Node) throws(Refusal) -> Bool {
        let value = try text(node)
        switch value.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: throw Refusal(message: "'\(value)' is not true or false")
        }
    }

    static func choice<T: RawRepresentable & CaseIterable>(_ node: Node, _ type: T.Type) throws(Refusal) -> T where T.RawValue == String {
        let value = try text(node)
        guard let parsed = T(rawValue: value) else {
            throw Refusal(message: "'\(value)' is invalid: use \(T.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return parsed
    }

    /// One endpoint or a list of them (Redlock's masters), as `--server` takes them.
    static func endpoints(_ node: Node) throws(Refusal) -> [Endpoint] {
        let texts: [String]
        if let list = node.sequence {
            texts = try list.map { (item: Node) throws(Refusal) -> String in try text(item) }
        } else {
            texts = [try text(node)]
        }
        var parsed: [Endpoint] = []
        for value in texts {
            do { parsed.append(try Endpoint(parsing: value)) } catch {
                throw Refusal(message: "\(error)")
            }
        }
        return parsed
    }
}
