import Dispatch
import RESP
import RedisConnection

/// One logical connection to a Redis Cluster, made of one inner connection per primary (of the wrapped
/// client, all on this connection's queue), that routes each command by the hash slot of its keys.
///
/// It follows `MOVED` (updates the slot, re-sends, re-reads the whole map in the background) and `ASK`
/// (`ASKING` then the command on the importing node, once), retries `TRYAGAIN` and `CLUSTERDOWN` with a
/// bounded backoff, and refuses locally a command whose keys span slots (`CROSSSLOT`), counting each
/// in `ClusterCounters`.
///
/// Order: replies to commands on one slot come back in order (they travel one inner connection, and a
/// redirect re-sends in reply order). Commands on different slots may complete in any order, as on
/// separate connections; the lock layer relies on no more (a Redlock node's commands share a key, a
/// batch collects its replies by index). Keyless commands go to the home node (the seed this
/// connection was opened on), `SCRIPT` to every primary, and the subscribe family stays on the home
/// node so its pushes come from one inner connection.
public final class ClusterConnection: RedisConnection, RedisReplyReceiver, @unchecked Sendable {
    // @unchecked: every mutable member is touched only on `queue` (public entry points hop there
    // unless the queue's token says they run on it; inner connections complete on it).

    /// The seed node this connection was opened on: it serves keyless commands and pub/sub.
    public let endpoint: Endpoint
    public let queue: DispatchQueue
    /// The wrapped client's name (`native` or `hiredis`): routing is not a client of its own.
    public let clientName: String
    let connector: any RedisConnector
    let options: ConnectionOptions
    let counters: ClusterCounters
    let queueToken: QueueToken
    let home: any RedisConnection

    /// The slot map as last read or corrected by a `MOVED` (read on `queue`).
    public internal(set) var map: SlotMap
    /// Inner connections by node, and entries waiting for a node still connecting.
    var links: [Endpoint: any RedisConnection] = [:]
    var shardLinks: [(any RedisConnection)?] = []
    var waiting: [Endpoint: [Int]] = [:]
    var entries: [PendingEntry] = []
    var freeEntries: [Int] = []
    var closed = false
    var refreshing = false

    init(
        home: any RedisConnection, map: SlotMap, connector: any RedisConnector, options: ConnectionOptions,
        counters: ClusterCounters
    ) {
        self.endpoint = home.endpoint
        self.queue = home.queue
        self.clientName = home.clientName
        self.connector = connector
        self.options = options
        self.counters = counters
        self.queueToken = QueueToken.of(home.queue)
        self.home = home
        self.map = map
        links[home.endpoint] = home
        rebuildShardLinks()
    }

    public var isOpen: Bool { !closed && home.isOpen }

    public func send(_ command: [RedisArgument], completion: @escaping RedisReplyHandler) {
        if Self.isSubscribeFamily(command) {
            // Mode changes must reach the client as arguments (its reply counting depends on them).
            return home.send(command, completion: completion)
        }
        let bytes = RESPEncoder.encodeCommand(command)
        if queueToken.isCurrent {
            bytes.withUnsafeBytes { submit($0, receiver: nil, tag: 0, handler: completion) }
        } else {
            queue.async { bytes.withUnsafeBytes { self.submit($0, receiver: nil, tag: 0, handler: completion) } }
        }
    }

    public func send(encoded command: UnsafeRawBufferPointer, to receiver: any RedisReplyReceiver, tag: Int) {
        #if DEBUG
        dispatchPrecondition(condition: .onQueue(queue))
        #endif
        submit(command, receiver: receiver, tag: tag, handler: nil)
    }

    public func setPushHandler(_ handler: RedisPushHandler?) { home.setPushHandler(handler) }

    public func close() {
        if queueToken.isCurrent { closeOnQueue() } else { queue.async { self.closeOnQueue() } }
    }

    private func closeOnQueue() {
        guard !closed else { return }
        closed = true
        // Entries parked for a retry or a connecting node: their inner connection will not answer.
        let parked = waiting.values.flatMap { $0 } + entries.indices.filter { entries[$0].parkedForRetry }
        waiting = [:]
        for index in parked where entries[index].inUse {
            deliver(index, .failure(RedisError(.closedByClient, endpoint: endpoint.description)))
        }
        for connection in links.values { connection.close() }
    }

    static func isSubscribeFamily(_ command: [RedisArgument]) -> Bool {
        guard case .string(let name)? = command.first else { return false }
        switch name.uppercased() {
        case "SUBSCRIBE", "UNSUBSCRIBE", "PSUBSCRIBE", "PUNSUBSCRIBE", "RESET", "HELLO": return true
        default: return false
        }
    }
}

/// A command in flight through the cluster connection: who gets its reply, and a copy of its bytes
/// for as long as a redirect may re-send it (slots are reused, so the copy's buffer is too).
struct PendingEntry {
    var receiver: (any RedisReplyReceiver)?
    var handler: RedisReplyHandler?
    var tag = 0
    var bytes: [UInt8] = []
    var slot = -1
    var redirects = 0
    var retries = 0
    var inUse = false
    var parkedForRetry = false
    /// Parked for a node still connecting after an `ASK`: `ASKING` goes first when it is ready.
    var asking = false
    /// `SCRIPT LOAD` fanned out to every primary: replies still owed, and the first error seen.
    var fanOut = 0
    var fanOutReply: RedisReply?
}

extension ClusterConnection: ShardedConnection {
    public var shardCount: Int { map.shards.count }

    public func key(_ key: String, onShard shard: Int) -> String? { map.key(key, onShard: shard) }
}
