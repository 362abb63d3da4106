import Locks
import RESP
import RedisConnection
import RedisFleet

/// The lock side of the failover scenario; RedisFleet sets up and breaks the replication itself.
enum Replication {
    /// Runs one RedisFleet step (a replication or cluster change), reporting its failure as the environment's.
    static func fleetStep(_ code: ChaosEnvironmentError.Code = .replication, _ step: () async throws(FleetError) -> Void) async throws(ChaosEnvironmentError) {
        do {
            try await step()
        } catch {
            throw ChaosEnvironmentError(code, "\(error)")
        }
    }

    /// `WAIT 1 <timeoutMs>` on the connection that made the write: how many replicas acknowledged it,
    /// or what came back instead of a count.
    static func waitForReplica(_ connection: any RedisConnection, timeoutMs: Int) async -> Result<Int, LockFailure> {
        let reply: RedisReply = await withCheckedContinuation { continuation in
            connection.send(["WAIT", 1, .integer(Int64(timeoutMs))]) { continuation.resume(returning: $0) }
        }
        switch reply {
        case .success(.integer(let n)): return .success(Int(n))
        case .success(let value): return .failure(LockFailure(.unexpectedReply, operation: "WAIT", detail: "\(value)"))
        case .failure(let error): return .failure(LockFailure(.transport, operation: "WAIT", detail: error.description, redisError: error))
        }
    }

    /// The remaining TTL of `key` on `endpoint`, ms (0 when it has none or is gone).
    static func remainingTTL(_ key: String, at endpoint: Endpoint) -> Double {
        guard let reply = try? RedisProbe.command(["PTTL", key], at: endpoint), let ms = reply.integer, ms > 0 else { return 0 }
        return Double(ms)
    }
}
