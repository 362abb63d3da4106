import EtcdClient
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

/// Parses `--etcd` and `--zookeeper` values: comma lists of members. An etcd member is read as etcd's
/// own client reads it (`EtcdEndpoint`: `http://host:port`, `host:port`, a bare host on 2379).
public enum StoreEndpoints {
    /// The endpoints in `text`; the refusal names the flag, the value and the accepted forms.
    public static func parse(_ text: String, for kind: LockStoreKind) throws(ScenarioSettingsError) -> [Endpoint] {
        let flag = kind == .etcd ? "etcd" : "zookeeper"
        var endpoints: [Endpoint] = []
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            let value = item.trimmedSpaces()
            guard !value.isEmpty else { throw .bad(flag, text, "an item is empty; give members separated by commas") }
            if kind == .etcd {
                do { endpoints.append(try EtcdEndpoint.parse(value)) } catch { throw ScenarioSettingsError("\(error)", flag: flag) }
                continue
            }
            let forms = "use host:port, comma-separated"
            // A scheme (zookeeper://) or a path would otherwise parse as part of the host name.
            guard !value.contains("/") else { throw .bad(flag, value, forms) }
            let endpoint: Endpoint
            do { endpoint = try Endpoint(parsing: value) } catch { throw .bad(flag, value, "\(error.reason); \(forms)") }
            guard case .tcp = endpoint else { throw .bad(flag, value, "ZooKeeper is reached over TCP; \(forms)") }
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
