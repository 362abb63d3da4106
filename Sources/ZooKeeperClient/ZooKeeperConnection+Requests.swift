import CZooKeeper
import Dispatch

/// The znode metadata the lock recipe reads.
public struct ZooKeeperStat: Sendable, Hashable {
    /// The zxid of the transaction that created the znode: unique and increasing across the ensemble.
    public var czxid: Int64
    /// Data version, bumped by each set.
    public var version: Int32
    /// The session id owning an ephemeral znode; 0 for a persistent one.
    public var ephemeralOwner: Int64

    init(_ stat: Stat) {
        czxid = stat.czxid
        version = stat.version
        ephemeralOwner = stat.ephemeralOwner
    }
}

/// How a znode is created.
public enum ZooKeeperCreateMode: Sendable, Hashable {
    /// Outlives the session: the lock directories.
    case persistent
    /// Deleted with the session, named with a 10-digit sequence number appended by the server.
    case ephemeralSequential

    var flags: Int32 { self == .persistent ? ZOO_PERSISTENT : ZOO_EPHEMERAL_SEQUENTIAL }
}

/// A completion carried through the C client's `const void *data`, retained until it runs once.
final class CompletionBox<Value> {
    let body: (Value) -> Void
    init(_ body: @escaping (Value) -> Void) { self.body = body }

    static func run(_ data: UnsafeRawPointer?, _ value: Value) {
        guard let data else { return }
        Unmanaged<CompletionBox<Value>>.fromOpaque(data).takeRetainedValue().body(value)
    }
}

/// A request's outcome.
public typealias ZooResult<Value> = Result<Value, ZooKeeperError>

extension ZooKeeperConnection {
    /// Submits through `call`, which receives the retained box; a refusal at submission (the handle
    /// expired or closing) completes on the next turn of the queue, never inside the caller.
    private func submit<Value>(_ operation: String, _ completion: @escaping (ZooResult<Value>) -> Void,
                               _ call: (OpaquePointer, UnsafeRawPointer) -> Int32) {
        dispatchPrecondition(condition: .onQueue(queue))
        let servers = self.servers
        guard let handle else {
            let later = QueueConfined(completion)
            queue.async { later.value(.failure(ZooKeeperError(.closing, operation: operation, servers: servers))) }
            return
        }
        let typed = Unmanaged.passRetained(CompletionBox<ZooResult<Value>>(completion))
        inClientCall += 1
        let rc = call(handle, UnsafeRawPointer(typed.toOpaque()))
        inClientCall -= 1
        if rc != ZOK.rawValue {
            typed.release()
            let code = isExpired ? ZooKeeperError.Code.sessionExpired : ZooKeeperError.Code(rc)
            let later = QueueConfined(completion)
            queue.async { later.value(.failure(ZooKeeperError(code, operation: operation, servers: servers))) }
            return
        }
        pump()
    }

    /// Creates `path` (with `mode`); completes with the name the server gave (the sequence appended) and its stat.
    public func create(_ path: String, mode: ZooKeeperCreateMode, completion: @escaping (ZooResult<(path: String, stat: ZooKeeperStat)>) -> Void) {
        submit("create \(path)", completion) { handle, data in
            zoo_acreate2(handle, path, nil, -1, lockbench_zoo_open_acl(), mode.flags, { rc, name, stat, data in
                let result: ZooResult<(path: String, stat: ZooKeeperStat)>
                if rc == ZOK.rawValue, let name, let stat {
                    result = .success((String(cString: name), ZooKeeperStat(stat.pointee)))
                } else {
                    result = .failure(ZooKeeperError(.init(rc), operation: "create", servers: ""))
                }
                CompletionBox<ZooResult<(path: String, stat: ZooKeeperStat)>>.run(data, result)
            }, data)
        }
    }

    /// The names (not paths) of `path`'s children, unsorted.
    public func children(_ path: String, completion: @escaping (ZooResult<[String]>) -> Void) {
        submit("get children \(path)", completion) { handle, data in
            zoo_aget_children(handle, path, 0, { rc, strings, data in
                let result: ZooResult<[String]>
                if rc == ZOK.rawValue, let strings {
                    let vector = strings.pointee
                    result = .success((0..<Int(vector.count)).compactMap { vector.data[$0].map { String(cString: $0) } })
                } else {
                    result = .failure(ZooKeeperError(.init(rc), operation: "get children", servers: ""))
                }
                CompletionBox<ZooResult<[String]>>.run(data, result)
            }, data)
        }
    }

    /// Whether `path` exists; when it does, `watch` runs once on its next change (deletion, for the
    /// lock recipe), or with `.sessionLost` if the session ends first.
    public func exists(_ path: String, watch: @escaping (ZooKeeperWatchEvent) -> Void, completion: @escaping (ZooResult<ZooKeeperStat?>) -> Void) {
        let context = Unmanaged.passUnretained(self).toOpaque()
        let registering: (ZooResult<ZooKeeperStat?>) -> Void = { [unowned self] result in
            // Registered only when the node exists: the server keeps a watch on an absent node too (for its
            // creation), but a lock znode's name is never reused, so that watch would never fire.
            if case .success(.some) = result { self.watches[path, default: []].append(watch) }
            completion(result)
        }
        submit("exists \(path)", registering) { handle, data in
            zoo_awexists(handle, path, zooKeeperWatcher, context, { rc, stat, data in
                let result: ZooResult<ZooKeeperStat?>
                if rc == ZOK.rawValue, let stat {
                    result = .success(ZooKeeperStat(stat.pointee))
                } else if rc == ZNONODE.rawValue {
                    result = .success(nil)
                } else {
                    result = .failure(ZooKeeperError(.init(rc), operation: "exists", servers: ""))
                }
                CompletionBox<ZooResult<ZooKeeperStat?>>.run(data, result)
            }, data)
        }
    }

    /// Deletes `path` whatever its version.
    public func delete(_ path: String, completion: @escaping (ZooResult<Void>) -> Void) {
        submit("delete \(path)", completion) { handle, data in
            zoo_adelete(handle, path, -1, { rc, data in
                let result: ZooResult<Void> = rc == ZOK.rawValue ? .success(()) : .failure(ZooKeeperError(.init(rc), operation: "delete", servers: ""))
                CompletionBox<ZooResult<Void>>.run(data, result)
            }, data)
        }
    }

    /// `path`'s stat (the lock recipe reads `czxid` from the create's instead).
    public func stat(_ path: String, completion: @escaping (ZooResult<ZooKeeperStat>) -> Void) {
        submit("get \(path)", completion) { handle, data in
            zoo_aexists(handle, path, 0, { rc, stat, data in
                let result: ZooResult<ZooKeeperStat>
                if rc == ZOK.rawValue, let stat { result = .success(ZooKeeperStat(stat.pointee)) }
                else { result = .failure(ZooKeeperError(.init(rc), operation: "get", servers: "")) }
                CompletionBox<ZooResult<ZooKeeperStat>>.run(data, result)
            }, data)
        }
    }
}

/// A value handed to a later turn of the same serial queue: it never crosses threads concurrently.
struct QueueConfined<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
