import Locks

// The one place wait-strategy flags become a wait strategy.
extension ScenarioSettings {
    func waitStrategy(_ wait: WaitStrategy.Kind) throws(ScenarioSettingsError) -> WaitStrategy {
        let t = waitTimes
        func ms(_ flag: String, _ text: String, min: Double = 0) throws(ScenarioSettingsError) -> Milliseconds {
            Milliseconds(max(Int(min), Int(try Self.fixedMs(flag, text, min: min))))
        }
        return WaitStrategy(
            wait, fixedDelay: try ms("fixed-delay", t.fixedDelay), backoffBase: try ms("backoff-base", t.backoffBase, min: 1),
            backoffCap: try ms("backoff-cap", t.backoffCap, min: 1),
            fallback: try t.fallback.map { (text: String) throws(ScenarioSettingsError) -> Milliseconds in try ms("fallback", text, min: 1) })
    }
}
