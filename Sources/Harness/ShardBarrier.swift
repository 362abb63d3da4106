import LoadDriver
import Locks
import POSIX
import RESP
import RedisConnection

/// Where the shards of one run meet before their warm-up, kept on the target Redis under the run's
/// key prefix: each shard adds its index to a set, waits until all N are in, and the first to see
/// them all fixes the window's start on the server's clock (`TIME` plus a margin, `SET NX`), which
/// every shard then maps onto its own clock through its estimated offset. At the end each shard
/// counts itself out; the last one out deletes the prefix, so no shard deletes keys another still uses.
struct ShardBarrier: Sendable {
    var shard: ShardSpec
    /// The run's key prefix (shared by every shard).
    var prefix: String
    var warmupS: Double
    /// Warm-up plus window, seconds: the barrier keys expire after it (and the timeout), so a shard
    /// that dies mid-run leaves nothing behind for long.
    var runS: Double

    /// Between all shards seeing each other and the window's warm-up: covers their polls (20 ms) and
    /// one round trip to the server.
    static let marginUs: Int64 = 1_000_000
    static let timeSamples = 8

    var arrivedKey: String { "\(prefix)barrier:arrived" }
    var startKey: String { "\(prefix)barrier:start" }
    var doneKey: String { "\(prefix)barrier:done" }
    var expirySeconds: Int { Int(shard.barrierTimeoutS + runS) + 120 }

    /// Registers, waits for all N shards, and returns when warm-up starts (monotonic ns) and the
    /// clock offset; `nil` when `stopRequested` turned true while waiting. Throws, naming how many of N
    /// arrived, when they do not all come within the timeout.
    func meet(
        _ connection: any RedisConnection, stopRequested: @Sendable () -> Bool
    ) async throws(DriverError) -> (startNanos: UInt64, clock: ClockOffset, windowStartUs: Int64)? {
        let (mono, wallMinusMonoUs) = try await estimateOffset(connection)
        _ = try await send(connection, ["SADD", .string(arrivedKey), .integer(Int64(shard.index))])
        _ = try await send(connection, ["EXPIRE", .string(arrivedKey), .integer(Int64(expirySeconds))])
        let deadline = LockClock.monotonicNanos() + UInt64(shard.barrierTimeoutS * 1e9)
        // The start key decides, once and atomically (SET NX), between "all came: start at T" and
        // "abandoned": a shard giving up just as the last one arrives cannot leave the others running
        // short of a shard, and every shard acts on the same value.
        var arrived = 0
        var decided: String?
        while decided == nil {
            arrived = Int(try await send(connection, ["SCARD", .string(arrivedKey)]).integer ?? 0)
            if arrived >= shard.count {
                let now = try await serverMicros(connection)
                decided = try await decide("\(now + Self.marginUs + Int64(warmupS * 1e6))", connection)
            } else if stopRequested() || LockClock.monotonicNanos() >= deadline {
                decided = try await decide(Self.abandoned, connection)
                if decided == Self.abandoned {
                    await withdraw(connection)
                    if stopRequested() { return nil }
                    throw DriverError(
                        "shard \(shard): only \(arrived) of \(shard.count) shards arrived at the start barrier (\(arrivedKey)) within \(shard.barrierTimeoutS) s: start all \(shard.count) with the same --run-id (or --seed) and target, or raise --barrier-timeout.")
                }
            } else {
                decided = try await send(connection, ["GET", .string(startKey)]).string
                if decided == nil { try? await Task.sleep(for: .milliseconds(20)) }
            }
        }
        guard let text = decided, let windowStartUs = Int64(text) else {
            await withdraw(connection)
            throw DriverError("shard \(shard): another shard gave up at the start barrier (\(startKey)) before all \(shard.count) arrived: start all \(shard.count) together, or raise --barrier-timeout.")
        }
        let warmupStartServerUs = Double(windowStartUs) - warmupS * 1e6
        let localMonoUs = warmupStartServerUs - mono.offsetUs
        let startNanos = UInt64(max(0, localMonoUs * 1e3))
        return (startNanos, ClockOffset(offsetUs: mono.offsetUs - wallMinusMonoUs, uncertaintyUs: mono.uncertaintyUs), windowStartUs)
    }

    /// The start key's value once set: `value` if this shard set it first, else the one already there.
    func decide(_ value: String, _ connection: any RedisConnection) async throws(DriverError) -> String? {
        _ = try await send(connection, ["SET", .string(startKey), .string(value), "NX", "EX", .integer(Int64(expirySeconds))])
        return try await send(connection, ["GET", .string(startKey)]).string
    }

    static let abandoned = "abandoned"

    /// Takes this shard out of the count, so a later shard does not take it for present; the last to
    /// withdraw deletes the barrier (no lock key exists yet, as nobody started).
    func withdraw(_ connection: any RedisConnection) async {
        _ = try? await connection.send(["SREM", .string(arrivedKey), .integer(Int64(shard.index))])
        if (try? await connection.send(["SCARD", .string(arrivedKey)]).integer) == 0 {
            _ = try? await connection.send(["DEL", .string(arrivedKey), .string(startKey), .string(doneKey)])
        }
    }

    /// Counts this shard out; `true` when it is the last, whose turn it is to delete the prefix.
    func leave(_ connection: any RedisConnection) async -> Bool {
        guard let done = try? await connection.send(["INCR", .string(doneKey)]).integer else { return false }
        _ = try? await connection.send(["EXPIRE", .string(doneKey), .integer(Int64(expirySeconds))])
        return done >= Int64(shard.count)
    }

    /// The offset of the monotonic clock to the server's (µs), from the round trip with the smallest
    /// RTT, and wall minus monotonic now (µs), to report the offset against the wall clock.
    func estimateOffset(_ connection: any RedisConnection) async throws(DriverError) -> (ClockOffset, Double) {
        var samples: [(sentUs: Double, serverUs: Double, receivedUs: Double)] = []
        for _ in 0..<Self.timeSamples {
            let sent = Double(LockClock.monotonicNanos()) / 1e3
            let server = try await serverMicros(connection)
            let received = Double(LockClock.monotonicNanos()) / 1e3
            samples.append((sent, Double(server), received))
        }
        guard let offset = ClockOffset.estimate(samples) else { preconditionFailure("timeSamples is positive") }
        let wallMinusMono = Double(WallClock.micros()) - Double(LockClock.monotonicNanos()) / 1e3
        return (offset, wallMinusMono)
    }

    /// `TIME` as µs since the epoch.
    func serverMicros(_ connection: any RedisConnection) async throws(DriverError) -> Int64 {
        let reply = try await send(connection, ["TIME"])
        guard let parts = reply.elements, parts.count == 2,
              let seconds = parts[0].string.flatMap({ Int64($0) }), let micros = parts[1].string.flatMap({ Int64($0) }) else {
            throw DriverError("shard \(shard): TIME answered \(reply), not [seconds, microseconds]: is the target a Redis server?")
        }
        return seconds * 1_000_000 + micros
    }

    func send(_ connection: any RedisConnection, _ command: [RedisArgument]) async throws(DriverError) -> RESPValue {
        let reply: RESPValue
        do { reply = try await connection.send(command) } catch {
            throw DriverError("shard \(shard): the start barrier's \(Self.name(command)) failed: \(error)")
        }
        if case .simpleError(let message) = reply {
            throw DriverError("shard \(shard): the start barrier's \(Self.name(command)) was refused: \(message)")
        }
        return reply
    }

    static func name(_ command: [RedisArgument]) -> String {
        if case .string(let name)? = command.first { return name }
        return "command"
    }
}
