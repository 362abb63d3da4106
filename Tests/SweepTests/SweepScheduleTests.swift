import Sweep
import Testing

/// Repeats are interleaved: every round runs every cell once, in a seeded order that changes per round.
@Suite struct SweepScheduleTests {
    @Test func everyRoundRunsEveryCellOnceBeforeTheNext() {
        let runs = SweepSchedule.order(cellCount: 6, repeats: 3, seed: 42)
        #expect(runs.count == 18)
        for round in 0..<3 {
            let slice = runs[(round * 6)..<(round * 6 + 6)]
            #expect(slice.allSatisfy { $0.round == round }, "round \(round) is contiguous")
            #expect(Set(slice.map(\.cell)) == Set(0..<6), "round \(round) runs each cell once")
        }
        // No cell's repeats run back to back as a block: the rounds are interleaved, not cell-major.
        #expect(runs.prefix(3).map(\.cell) != [runs[0].cell, runs[0].cell, runs[0].cell])
    }

    @Test func theOrderIsShuffledPerRoundAndReproducible() {
        let runs = SweepSchedule.order(cellCount: 8, repeats: 4, seed: 7)
        let rounds = (0..<4).map { r in runs.filter { $0.round == r }.map(\.cell) }
        #expect(Set(rounds.map { $0.description }).count > 1, "the order changes between rounds")
        #expect(rounds.contains { $0 != Array(0..<8) }, "the order is not just grid order")
        #expect(SweepSchedule.order(cellCount: 8, repeats: 4, seed: 7) == runs, "same seed, same order")
        #expect(SweepSchedule.order(cellCount: 8, repeats: 4, seed: 8) != runs)
    }

    @Test func resumingSkipsFinishedRepeatsAndKeepsTheRoundOrder() {
        let full = SweepSchedule.order(cellCount: 4, repeats: 3, seed: 5)
        // Cell 0 finished all three repeats, cell 1 two, cell 2 one, cell 3 none.
        let resumed = SweepSchedule.order(cellCount: 4, repeats: 3, done: [3, 2, 1, 0], seed: 5)
        #expect(resumed.filter { $0.cell == 0 }.isEmpty)
        #expect(resumed.filter { $0.cell == 1 }.map(\.round) == [2])
        #expect(resumed.filter { $0.cell == 2 }.map(\.round) == [1, 2])
        #expect(resumed.filter { $0.cell == 3 }.map(\.round) == [0, 1, 2])
        #expect(resumed.count == 6)
        // What is left runs in the order the full sweep would have run it.
        #expect(resumed == full.filter { resumed.contains($0) })
    }

    @Test func runSeedsDifferPerCellAndRound() {
        var seen = Set<UInt64>()
        for cell in 0..<20 {
            for round in 0..<5 { seen.insert(SweepSchedule.runSeed(sweepSeed: 9, cell: cell, round: round)) }
        }
        #expect(seen.count == 100)
        #expect(SweepSchedule.runSeed(sweepSeed: 9, cell: 3, round: 1) == SweepSchedule.runSeed(sweepSeed: 9, cell: 3, round: 1))
        #expect(seen.allSatisfy { $0 >= 1 && $0 <= UInt64(UInt32.max) })
    }
}
