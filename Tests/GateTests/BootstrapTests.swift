import Locks
import TestSupport
import Gate
import Testing

/// The relative gate's statistics on synthetic samples with a known answer.
@Suite("bootstrap ratio of medians, as the gate uses it")
struct BootstrapTests {
    func verdict(current: [Double], baseline: [Double], threshold: Double, higherIsBetter: Bool = true) -> Verdict? {
        guard let result = BootstrapSettings().ratioOfMedians(current: current, baseline: baseline) else { return nil }
        return Verdict.relative(interval: result.interval, threshold: threshold, higherIsBetter: higherIsBetter)
    }

    @Test("equal distributions pass")
    func equalPasses() {
        var rng = SplitMix64(seed: 11)
        let baseline = GateFixtures.logNormal(10, median: 1, sigma: 0.05, rng: &rng)
        let current = GateFixtures.logNormal(10, median: 1, sigma: 0.05, rng: &rng)
        #expect(verdict(current: current, baseline: baseline, threshold: 0.1) == .pass)
        #expect(verdict(current: current, baseline: baseline, threshold: 0.1, higherIsBetter: false) == .pass)
    }

    @Test("a clearly shifted distribution fails, in the bad direction only")
    func shiftedFails() {
        var rng = SplitMix64(seed: 12)
        let baseline = GateFixtures.logNormal(10, median: 1, sigma: 0.05, rng: &rng)
        let slower = GateFixtures.logNormal(10, median: 0.6, sigma: 0.05, rng: &rng)
        #expect(verdict(current: slower, baseline: baseline, threshold: 0.2) == .fail)
        // The same shift on a lower-is-better metric is an improvement, never a failure.
        #expect(verdict(current: slower, baseline: baseline, threshold: 0.2, higherIsBetter: false) == .improved)
        let laggier = GateFixtures.logNormal(10, median: 1.6, sigma: 0.05, rng: &rng)
        #expect(verdict(current: laggier, baseline: baseline, threshold: 0.2, higherIsBetter: false) == .fail)
    }

    @Test("noisy but equal distributions pass: a wide interval never fails by itself")
    func noisyEqualPasses() {
        var rng = SplitMix64(seed: 13)
        for _ in 0..<20 {
            let baseline = GateFixtures.logNormal(5, median: 1, sigma: 0.35, rng: &rng)
            let current = GateFixtures.logNormal(5, median: 1, sigma: 0.35, rng: &rng)
            #expect(verdict(current: current, baseline: baseline, threshold: 0.2) != .fail)
        }
    }

    @Test("a shift inside the threshold passes even when the interval excludes 1")
    func smallShiftPasses() {
        let baseline = Array(repeating: 1.0, count: 6) + [1.01, 0.99]
        let current = baseline.map { $0 * 0.9 }
        let result = BootstrapSettings().ratioOfMedians(current: current, baseline: baseline)!
        #expect(result.interval.upper < 1)
        #expect(verdict(current: current, baseline: baseline, threshold: 0.2) == .pass)
    }

    @Test("the 95% interval contains the true ratio in about 95% of trials")
    func coverage() {
        var rng = SplitMix64(seed: 14)
        let trueRatio = 1.3
        var covered = 0
        let trials = 150
        for trial in 0..<trials {
            let baseline = GateFixtures.logNormal(15, median: 2, sigma: 0.2, rng: &rng)
            let current = GateFixtures.logNormal(15, median: 2 * trueRatio, sigma: 0.2, rng: &rng)
            let result = BootstrapSettings(resamples: 1_000, seed: UInt64(trial + 1)).ratioOfMedians(current: current, baseline: baseline)!
            if result.interval.contains(trueRatio) { covered += 1 }
        }
        // Percentile intervals of medians from 15 samples undercover a little; 85% leaves room for that
        // and still catches an interval that is centred wrongly or far too narrow.
        #expect(covered >= trials * 85 / 100, "covered \(covered) of \(trials)")
        #expect(covered < trials, "an interval that always covers is too wide to gate on")
    }
}
