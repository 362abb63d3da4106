import Dispatch
import RESP
import RedisConnection

extension ClusterConnection {
    /// Maps each shard to its inner connection, if one is open (after the map changed).
    func rebuildShardLinks() {
        shardLinks = map.shards.map { links[$0.primary] }
    }

    /// Parks entry `index` until `node` is connected (connecting it if nobody is yet).
    func park(_ index: Int, for node: Endpoint) {
        let first = waiting[node] == nil
        waiting[node, default: []].append(index)
        guard first else { return }
        links[node]?.close()
        links[node] = nil
        connector.connect(to: node, options: options, queue: queue) { [self] result in
            let parked = waiting.removeValue(forKey: node) ?? []
            switch result {
            case .success(let connection):
                if closed { connection.close() } else {
                    links[node] = connection
                    rebuildShardLinks()
                }
                for index in parked where entries[index].inUse {
                    if closed {
                        deliver(index, .failure(RedisError(.closedByClient, endpoint: endpoint.description)))
                    } else if entries[index].asking {
                        entries[index].asking = false
                        Self.asking.withUnsafeBytes { connection.send(encoded: $0, to: self, tag: Self.askingTag) }
                        write(index, on: connection)
                    } else {
                        dispatch(index)
                    }
                }
            case .failure(let error):
                // Re-read the map: the node may have failed over to a replica the map does not know yet.
                refreshMap()
                for index in parked where entries[index].inUse { deliver(index, .failure(error)) }
            }
        }
    }

    /// Re-reads the whole map in the background (after a `MOVED` or a node that did not answer): one
    /// read at a time; commands keep flowing on the corrected map meanwhile.
    func refreshMap() {
        guard !refreshing, !closed else { return }
        refreshing = true
        Self.readMap(from: home, tls: options.tls != nil) { [self] result in
            refreshing = false
            guard case .success(let fresh) = result, !closed else { return }
            map = fresh
            rebuildShardLinks()
        }
    }

    /// Opens an inner connection to every primary the map names that has none yet; completes with the
    /// first failure, if any.
    func connectPrimaries(completion: @escaping @Sendable (RedisError?) -> Void) {
        let missing = Set(map.shards.map(\.primary)).subtracting(links.keys)
        guard !missing.isEmpty else { return completion(nil) }
        final class Tally: @unchecked Sendable {
            // @unchecked: touched only on the connection's queue (every connect completes there).
            var remaining = 0
            var firstError: RedisError?
        }
        let tally = Tally()
        tally.remaining = missing.count
        for node in missing {
            connector.connect(to: node, options: options, queue: queue) { [self] result in
                switch result {
                case .success(let connection): links[node] = connection
                case .failure(let error): if tally.firstError == nil { tally.firstError = error }
                }
                tally.remaining -= 1
                if tally.remaining == 0 {
                    rebuildShardLinks()
                    completion(tally.firstError)
                }
            }
        }
    }

    /// Reads the slot map over `connection`: `CLUSTER SHARDS`, or `CLUSTER SLOTS` where the server is
    /// older than 7.0 (`unknown subcommand`). Completes on the connection's queue. With `tls`, nodes are
    /// reached at their TLS ports (`CLUSTER SLOTS` already names those to a TLS client).
    static func readMap(from connection: any RedisConnection, tls: Bool, completion: @escaping @Sendable (Result<SlotMap, ClusterMapError>) -> Void) {
        let seedHost: String
        if case .tcp(let host, _) = connection.endpoint { seedHost = host } else { seedHost = "127.0.0.1" }
        connection.send(["CLUSTER", "SHARDS"]) { reply in
            switch reply {
            case .failure(let error): completion(.failure(ClusterMapError(.transport(error), endpoint: connection.endpoint)))
            case .success(let value):
                if let message = value.errorMessage {
                    if message.contains("cluster support disabled") {
                        return completion(.failure(ClusterMapError(.notCluster(message), endpoint: connection.endpoint)))
                    }
                    return readSlots(from: connection, seedHost: seedHost, completion: completion)
                }
                do throws(SlotMapParseError) { completion(.success(try SlotMap(shardsReply: value, seedHost: seedHost, tls: tls))) } catch {
                    completion(.failure(ClusterMapError(.unreadable(error.description), endpoint: connection.endpoint)))
                }
            }
        }
    }

    private static func readSlots(
        from connection: any RedisConnection, seedHost: String, completion: @escaping @Sendable (Result<SlotMap, ClusterMapError>) -> Void
    ) {
        connection.send(["CLUSTER", "SLOTS"]) { reply in
            switch reply {
            case .failure(let error): completion(.failure(ClusterMapError(.transport(error), endpoint: connection.endpoint)))
            case .success(let value):
                if let message = value.errorMessage {
                    let kind: ClusterMapError.Kind = message.contains("cluster support disabled") ? .notCluster(message) : .unreadable(message)
                    return completion(.failure(ClusterMapError(kind, endpoint: connection.endpoint)))
                }
                do throws(SlotMapParseError) { completion(.success(try SlotMap(slotsReply: value, seedHost: seedHost))) } catch {
                    completion(.failure(ClusterMapError(.unreadable(error.description), endpoint: connection.endpoint)))
                }
            }
        }
    }
}
