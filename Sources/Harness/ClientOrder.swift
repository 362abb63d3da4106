import RedisConnection

/// The order clients run in over rounds: A B, B A, A B, … so slow drift on a shared machine (a
/// neighbour's job, a warming server) lands on both clients alike, and neither always runs first.
public enum ClientOrder {
    /// Per round, the clients in the order they run.
    public static func interleaved(_ clients: [RedisClientKind], rounds: Int) -> [[RedisClientKind]] {
        (0..<max(0, rounds)).map { $0 % 2 == 0 ? clients : clients.reversed() }
    }
}
