import LoadDriver
import Locks
import RedisConnection

/// The `--target` value: which store the run locks on, and for a consensus store how many members
/// lockbench starts when no `--etcd`/`--zookeeper` endpoints are given.
public enum TargetChoice: Sendable, Hashable, CustomStringConvertible {
    /// Redis in any topology `--topology`, `--server`, `--cluster` or `--sentinel` names (the default).
    case redis
    /// A consensus store; `members` 1 or 3, `nil` when the value named no count (1 when embedded, and
    /// the only form that may go with external endpoints).
    case store(LockStoreKind, members: Int?)

    /// The accepted forms, for messages and help.
    public static let forms = "redis, etcd, etcd:3, zookeeper or zookeeper:3 (embedded members: 1 or 3, default 1)"

    /// Parses `redis`, `etcd`, `etcd:1`, `etcd:3`, `zookeeper`, `zookeeper:3`.
    public init?(parsing text: String) {
        let parts = text.lowercased().split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        guard let kind = LockStoreKind(rawValue: String(parts[0])) else { return nil }
        guard parts.count == 2 else {
            self = kind == .redis ? .redis : .store(kind, members: nil)
            return
        }
        guard kind != .redis, let members = Int(parts[1]), StoreSource.embeddedSizes.contains(members) else { return nil }
        self = .store(kind, members: members)
    }

    /// The store the runs lock on.
    public var store: LockStoreKind {
        if case .store(let kind, _) = self { return kind }
        return .redis
    }

    /// The form `init(parsing:)` reads.
    public var description: String {
        switch self {
        case .redis: return "redis"
        case .store(let kind, nil): return kind.rawValue
        case .store(let kind, let members?): return "\(kind):\(members)"
        }
    }
}

extension LockStoreKind {
    /// The algorithm a run on this store uses when `--algorithm` is not given.
    public var defaultAlgorithm: LockAlgorithmKind {
        switch self {
        case .redis: return .setnxPX
        case .etcd: return .etcdMutex
        case .zookeeper: return .zkRecipe
        }
    }

    /// The store's name in messages: `Redis`, `etcd`, `ZooKeeper`.
    public var displayName: String {
        switch self {
        case .redis: return "Redis"
        case .etcd: return "etcd"
        case .zookeeper: return "ZooKeeper"
        }
    }
}

/// Parses `--etcd` and `--zookeeper` values: comma lists of `host:port`, and for etcd also
/// `http://host:port` (the form etcd prints as its client URL).
public enum StoreEndpoints {
    /// The endpoints in `text`; the refusal names `flag`, the value and the accepted forms.
    public static func parse(_ text: String, for kind: LockStoreKind) throws(ScenarioSettingsError) -> [Endpoint] {
        let flag = kind == .etcd ? "etcd" : "zookeeper"
        let forms = kind == .etcd ? "http://host:port or host:port, comma-separated" : "host:port, comma-separated"
        var endpoints: [Endpoint] = []
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            var value = item.trimmedSpaces()
            if kind == .etcd, value.lowercased().hasPrefix("https://") {
                throw .bad(flag, value, "lockbench talks to etcd over plaintext gRPC; give the http:// client URL or host:port")
            }
            if kind == .etcd, value.lowercased().hasPrefix("http://") { value = String(value.dropFirst("http://".count)) }
            if value.hasSuffix("/") { value.removeLast() }
            // A scheme left over (zookeeper://, grpc://) would otherwise parse as part of the host name.
            guard !value.isEmpty, !value.contains("/") || value.hasPrefix("unix:") else { throw .bad(flag, String(item), "use \(forms)") }
            let endpoint: Endpoint
            do { endpoint = try Endpoint(parsing: value) } catch { throw .bad(flag, String(item), "\(error.reason); use \(forms)") }
            guard case .tcp = endpoint else { throw .bad(flag, String(item), "\(kind.displayName) is reached over TCP; use \(forms)") }
            endpoints.append(endpoint)
        }
        return endpoints
    }
}

extension Substring {
    fileprivate func trimmedSpaces() -> String {
        var s = self
        while s.first == " " { s.removeFirst() }
        while s.last == " " { s.removeLast() }
        return String(s)
    }
}
