import Locks
import Stats
import Testing

/// The bootstrap's interval on samples with a known answer. Its coverage on noisy samples, with the
/// gate's settings, is tested in GateTests.
@Suite struct BootstrapTests {
    let baseline: [Double] = [0.93, 1.02, 0.98, 1.11, 0.87, 1.05, 0.99]
    let current: [Double] = [1.21, 1.34, 1.19, 1.42, 1.27, 1.30]

    @Test func theSameSeedGivesTheSameInterval() throws {
        var first = SplitMix64(seed: 9)
        var second = SplitMix64(seed: 9)
        let a = try #require(Bootstrap.ratioOfMedians(current: current, baseline: baseline, using: &first))
        let b = try #require(Bootstrap.ratioOfMedians(current: current, baseline: baseline, using: &second))
        #expect(a.interval == b.interval)
        #expect(a.ratio == b.ratio)
        var other = SplitMix64(seed: 10)
        let c = try #require(Bootstrap.ratioOfMedians(current: current, baseline: baseline, using: &other))
        #expect(c.ratio == a.ratio, "the point estimate does not depend on the resamples")
        #expect(c.interval != a.interval, "another seed draws other resamples")
    }

    @Test func theRatioIsOfTheMediansAndInsideItsInterval() throws {
        var rng = SplitMix64(seed: 1)
        let result = try #require(Bootstrap.ratioOfMedians(current: current, baseline: baseline, using: &rng))
        #expect(result.ratio == Statistics.median(current)! / Statistics.median(baseline)!)
        #expect(result.interval.contains(result.ratio))
        #expect(result.interval.lower > 1, "every current sample is above every baseline one")
    }

    @Test func constantSamplesGiveAPointInterval() throws {
        var rng = SplitMix64(seed: 1)
        let result = try #require(Bootstrap.ratioOfMedians(current: [3, 3, 3], baseline: [2, 2], using: &rng))
        #expect(result.ratio == 1.5)
        #expect(result.interval == Interval(lower: 1.5, upper: 1.5))
    }

    @Test func emptyZeroAndNonFiniteInputs() {
        var rng = SplitMix64(seed: 1)
        #expect(Bootstrap.ratioOfMedians(current: [1, 2], baseline: [], using: &rng) == nil)
        #expect(Bootstrap.ratioOfMedians(current: [1, 2], baseline: [0, 0, 0], using: &rng) == nil)
        #expect(Bootstrap.ratioOfMedians(current: [.nan, .infinity], baseline: [1, 2], using: &rng) == nil)
        let filtered = Bootstrap.ratioOfMedians(current: [2, .nan, 2], baseline: [1, .infinity], using: &rng)
        #expect(filtered?.ratio == 2, "non-finite samples are left out, not resampled")
    }
}
