import Dispatch
import RESP
import RedisConnection

/// Connects to wherever the primary is now, whatever endpoint it is asked for: the load driver reopens
/// a dead connection at its old endpoint, and this turns that into a connection to the new primary.
/// Each connection is checked with `ROLE` first, since the sentinels may not have noticed yet that the
/// primary died or was demoted; a refusal has the follower ask them again.
struct SentinelConnector: RedisConnector {
    let base: any RedisConnector
    let follower: SentinelFollower

    var kind: RedisClientKind { base.kind }

    func connect(
        to _: Endpoint, options: ConnectionOptions, queue: DispatchQueue,
        completion: @escaping @Sendable (Result<any RedisConnection, RedisError>) -> Void
    ) {
        let primary = follower.primary
        let follower = follower
        base.connect(to: primary, options: options, queue: queue) { result in
            switch result {
            case .failure(let error):
                follower.suspect(primary)
                completion(.failure(error))
            case .success(let connection):
                connection.send(["ROLE"]) { reply in
                    let role = (try? reply.get())?.elements?.first?.string
                    if role == "master" { return completion(.success(connection)) }
                    connection.close()
                    follower.suspect(primary)
                    completion(.failure(RedisError(.handshakeFailed, endpoint: primary.description,
                                                   detail: "it is no longer the primary (ROLE: \(role ?? "no answer")); asking the sentinels again")))
                }
            }
        }
    }
}
