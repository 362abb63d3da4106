import LoadDriver
import Locks

/// The scenarios a new baseline measures. Each asks one of the design's questions in a few seconds,
/// with every parameter fixed here (queues and seed included), so a baseline does not depend on
/// the machine's core count or a random draw.
public enum DefaultScenarios {
    /// All of them, in the order they run.
    public static let all: [GateScenario] = [contended, uncontended, redlock]

    /// 100 contenders on 10 keys served in arrival order: waiting, hand-off and fairness under contention.
    /// FIFO rather than backoff: hand-offs follow releases, not random sleeps, so a round's figures are
    /// decided by the code rather than by jitter (backoff and pubsub rounds move with the sleeps' draws).
    public static let contended = GateScenario(
        name: "contended",
        scenario: make(.setnxPX, wait: .fifo(), contenders: 100, keys: 10, connections: 2, holdUs: 1_000),
        clients: [.native, .hiredis])

    /// 16 contenders on 16 keys, nothing held: every acquisition is granted at the first attempt, so
    /// the rate is what the clients and the server can push (client CPU per cycle decides it here).
    public static let uncontended = GateScenario(
        name: "uncontended",
        scenario: make(.setnxPX, wait: .spin, contenders: 16, keys: 16, connections: 2, holdUs: 0),
        clients: [.native, .hiredis])

    /// Redlock on 5 masters, 20 contenders on 10 keys: quorum fan-out, TTL budget and overruns.
    public static let redlock = GateScenario(
        name: "redlock",
        scenario: make(.redlock, wait: .backoff(base: 1, cap: 50), contenders: 20, keys: 10, connections: 1, holdUs: 1_000),
        clients: [.native, .hiredis])

    static func make(_ algorithm: LockAlgorithmKind, wait: WaitStrategy, contenders: Int, keys: Int, connections: Int, holdUs: Int) -> Scenario {
        Scenario(
            client: .native, lock: LockSpec(algorithm: algorithm, wait: wait, ttlMs: 10_000), contenders: contenders, keys: keys,
            connections: connections, pipeline: 0, hold: .fixed(us: holdUs), think: .fixed(us: 0), mode: .closed,
            durationS: 2, warmupS: 0.5, requests: nil, seed: 1, queues: 2, acquireTimeoutMs: 10_000)
    }
}
