import RedisConnection

/// The order things compared run in over rounds: each round starts one later (A B C, B C A, C A B, …;
/// with two, A B, B A), so slow drift on a shared machine (a neighbour's job, a warming server) lands
/// on every side alike, and none always runs first or last. Every comparison in lockbench (clients,
/// gate subjects, A/B sides, calibrate's references) takes its order from here.
public enum ClientOrder {
    /// Indices `0..<count` in the order round `round` (0-based) runs them.
    public static func rotation(round: Int, count: Int) -> [Int] {
        (0..<count).map { (round + $0) % count }
    }

    /// Per round, the clients in the order they run.
    public static func interleaved(_ clients: [RedisClientKind], rounds: Int) -> [[RedisClientKind]] {
        (0..<max(0, rounds)).map { round in rotation(round: round, count: clients.count).map { clients[$0] } }
    }
}
