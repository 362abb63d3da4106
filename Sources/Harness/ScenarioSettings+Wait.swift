import Locks

// The one place wait-strategy flags become a wait specification.
extension ScenarioSettings {
    func waitSpec() throws(ScenarioSettingsError) -> WaitSpec {
        let t = waitTimes
        return WaitSpec(
            kind: wait, fixedDelayMs: Int(try Self.fixedMs("fixed-delay", t.fixedDelay)),
            backoffBaseMs: max(1, Int(try Self.fixedMs("backoff-base", t.backoffBase, min: 1))),
            backoffCapMs: max(1, Int(try Self.fixedMs("backoff-cap", t.backoffCap, min: 1))),
            fallbackMs: try t.fallback.map { (text: String) throws(ScenarioSettingsError) -> Int in
                max(1, Int(try Self.fixedMs("fallback", text, min: 1)))
            })
    }
}
