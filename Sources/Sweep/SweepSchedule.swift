import Locks

/// One run of a sweep: a cell's repeat number `round` (0-based).
public struct ScheduledRun: Sendable, Hashable {
    /// Index into the plan's cells.
    public var cell: Int
    /// Which repeat.
    public var round: Int

    public init(cell: Int, round: Int) {
        self.cell = cell
        self.round = round
    }
}

/// The order a sweep runs its cells in.
///
/// Repeats are **interleaved**: round r runs every cell once before round r+1 starts, so slow drift
/// on a shared machine (a neighbour's job, thermal throttling, a growing server heap) spreads over all
/// cells instead of landing on whichever cell ran its repeats during it. Within a round the order is
/// shuffled with the seed, differently each round, so no cell always runs first on a fresh server or
/// right after the heaviest one.
public enum SweepSchedule {
    /// The runs still to do: cell `c` has `done[c]` complete repeats already (from `--resume`) and
    /// needs rounds `done[c]..<repeats`.
    public static func order(cellCount: Int, repeats: Int, done: [Int] = [], seed: UInt64) -> [ScheduledRun] {
        var runs: [ScheduledRun] = []
        for round in 0..<max(0, repeats) {
            // A generator per round, from the seed and the round: the same seed gives the same order.
            // Every cell is shuffled and the finished ones dropped afterwards, so a resumed sweep runs
            // what is left in the order the whole sweep would have.
            var generator = SplitMix64(seed: seed ^ (UInt64(round) &* 0x9E37_79B9_7F4A_7C15))
            var cells = Array(0..<cellCount)
            cells.shuffle(using: &generator)
            runs += cells.filter { (done.indices.contains($0) ? done[$0] : 0) <= round }.map { ScheduledRun(cell: $0, round: round) }
        }
        return runs
    }

    /// A run's seed for the scenario's draws (tokens, jitter, hold times, arrivals): distinct per cell
    /// and round, reproducible from the sweep seed.
    public static func runSeed(sweepSeed: UInt64, cell: Int, round: Int) -> UInt64 {
        var generator = SplitMix64(seed: sweepSeed &+ UInt64(cell) &* 0xD1B5_4A32_D192_ED03 &+ UInt64(round) &* 0x8CB9_2BA7_2F3D_8DD7)
        // 1...UInt32.max, like `bench run`'s random default, so the seed column stays short.
        return generator.next() % UInt64(UInt32.max) + 1
    }
}
