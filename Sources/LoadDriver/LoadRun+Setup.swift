import Dispatch
import Locks
import RedisConnection

extension LoadRun {
    /// The servers the scenario talks to: all masters for Redlock, else the first.
    var activeEndpoints: [Endpoint] {
        scenario.lock.algorithm == .redlock ? Array(endpoints.prefix(scenario.lock.redlock.nodes)) : Array(endpoints.prefix(1))
    }

    /// The servers whose INFO the run samples: on a cluster every primary (the endpoints are the
    /// primaries, in slot order; a cluster connection sends INFO to the node it was opened on), so a hot
    /// shard shows; elsewhere the servers the scenario talks to.
    var statsEndpoints: [Endpoint] {
        if case .cluster = scenario.deployment { return endpoints }
        return activeEndpoints
    }

    /// Lanes = min(queues, connections, keys): each lane needs a connection and, with fixed keys, a key
    /// of its own.
    func buildLanes() async throws(DriverError) -> [Lane] {
        let laneCount = scenario.laneCount
        let drawn = scenario.keyDist.drawsPerAcquisition
        // Fixed: contender i locks key i mod keys, so keys past the contenders are never locked.
        let names = (0..<(drawn ? scenario.keys : min(scenario.keys, scenario.contenders))).map { Self.keyName(prefix: keyPrefix, key: $0) }
        let shared = drawn ? SharedKeys(keys: scenario.keys) : nil
        let sampler = KeySampler(scenario.keyDist, keys: scenario.keys)
        let lanes = (0..<laneCount).map {
            Lane(index: $0, scenario: scenario, keyNames: names, sharedKeys: shared, sampler: sampler)
        }
        let options = laneConnectionOptions()
        do {
            for c in 0..<scenario.connections {
                let lane = lanes[c % laneCount]
                let seed = scenario.seed &+ UInt64(c) &* 7919
                if let store {
                    lane.contexts.append(try await lane.openStoreContext(store, spec: scenario.lock, seed: seed))
                    continue
                }
                let context = try await LockContext.open(
                    spec: scenario.lock, connector: connector, endpoints: activeEndpoints, wheel: lane.wheel,
                    seed: seed, options: options)
                lane.contexts.append(context)
            }
        } catch let error as RedisError {
            for lane in lanes { lane.closeAll() }
            throw DriverError("cannot connect: \(error)")
        } catch let error as LockSetupError {
            for lane in lanes { lane.closeAll() }
            throw DriverError("cannot set up the lock contexts: \(error)")
        } catch {
            for lane in lanes { lane.closeAll() }
            // A store's own error says which endpoint refused and what to do.
            throw DriverError(store == nil ? "cannot set up the lock contexts: \(error)" : "\(error)")
        }
        // Fixed keys: contenders of one key share a lane, so the witness, hand-off and FIFO order stay
        // lane-local. Drawn keys: any lane may lock any key (`SharedKeys`), so contenders just spread evenly.
        var perLane = Array(repeating: 0, count: laneCount)
        var placements: [[(index: Int, key: Int, slot: Int, offset: Int64)]] = Array(repeating: [], count: laneCount)
        // A shard runs its slice of the global indices: keys and clock skew follow the global index, so
        // the shards together place contenders exactly as one process would; the recorder counts the
        // slice from 0 (the outputs add the slice's start back).
        let local = scenario.localContenders
        for i in local {
            let key = i % scenario.keys
            let laneIndex = (drawn ? i : key) % laneCount
            placements[laneIndex].append((i - local.lowerBound, key, perLane[laneIndex], clockOffset(for: i)))
            perLane[laneIndex] += 1
        }
        for (lane, placed) in zip(lanes, placements) {
            let items = placed.map { LaneItem(index: $0.index, key: $0.key, slot: $0.slot, offset: $0.offset) }
            await lane.onQueue {
                for item in items {
                    lane.addContender(index: item.index, key: item.key, slot: item.slot % lane.contexts.count, clockOffsetMs: item.offset)
                }
            }
        }
        return lanes
    }

    /// The connection options with the scenario's reply wait (see `Scenario.effectiveReplyWaitUs`): a
    /// lane that waits for owed replies on its own thread takes Dispatch's second thread wake-up out of
    /// every round trip.
    func laneConnectionOptions() -> ConnectionOptions {
        var options = connectionOptions
        let wait = scenario.effectiveReplyWaitUs
        if options.inlineReplyWaitMicros == nil && wait > 0 { options.inlineReplyWaitMicros = wait }
        return options
    }

    /// Contender i's clock offset: spread evenly over ±clockSkewMs.
    func clockOffset(for i: Int) -> Int64 {
        guard scenario.clockSkewMs > 0, scenario.contenders > 1 else { return 0 }
        let span = Double(2 * scenario.clockSkewMs)
        return Int64((-Double(scenario.clockSkewMs) + span * Double(i) / Double(scenario.contenders - 1)).rounded())
    }

    /// One connection per server for INFO snapshots and the final key cleanup, off the lanes; none on a
    /// consensus store (its counters come from `StoreRunTarget.stats`).
    func openControl() async throws(DriverError) -> [any RedisConnection] {
        guard store == nil else { return [] }
        let queue = DispatchQueue(label: "lockbench.control")
        var opened: [any RedisConnection] = []
        for endpoint in statsEndpoints {
            do {
                opened.append(try await connector.connect(to: endpoint, options: connectionOptions, queue: queue))
            } catch {
                for connection in opened { connection.close() }
                throw DriverError("cannot connect to \(endpoint): \(error)")
            }
        }
        return opened
    }
}

struct LaneItem: Sendable {
    var index: Int
    var key: Int
    var slot: Int
    var offset: Int64
}

extension Lane {
    /// Runs `body` on the lane's queue and returns its result.
    func onQueue<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            queue.async { continuation.resume(returning: body()) }
        }
    }

    /// Stops the lane and waits until every contender is idle, or `boundNanos` passes (a holder stuck on
    /// a dead server must not hang the run; its acquisitions are outside the window anyway).
    func stopAndDrain(windowEndAt end: UInt64, boundNanos: UInt64) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            queue.async {
                var resumed = false
                let finish = {
                    guard !resumed else { return }
                    resumed = true
                    continuation.resume()
                }
                self.onDrained = finish
                _ = self.wheel.schedule(afterNanos: boundNanos) {
                    self.onDrained = nil
                    finish()
                }
                self.stop(windowEndAt: end)
            }
        }
    }

    /// Cancels outstanding lock operations and closes every connection (call after draining).
    func closeAll() {
        queue.async {
            self.closeRetired()
            for context in self.contexts {
                context.cancelAll()
                context.close()
            }
            self.wheel.invalidate()
        }
    }
}
