import Locks
import Stats

extension BootstrapSettings {
    /// `Bootstrap.ratioOfMedians` under these settings, drawing from a generator seeded afresh on every
    /// call: the same samples give the same interval every time, so re-reading a file cannot change a
    /// verdict through noise of our own making.
    public func ratioOfMedians(current: [Double], baseline: [Double]) -> (ratio: Double, interval: Interval)? {
        var generator = SplitMix64(seed: seed)
        return Bootstrap.ratioOfMedians(
            current: current, baseline: baseline, resamples: resamples, confidence: confidence, using: &generator)
    }
}
