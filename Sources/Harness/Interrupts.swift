import RedisFleet

/// Ctrl-C (and SIGTERM/SIGHUP) for code that runs several sessions under one stop: a gate job
/// starts fresh servers per scenario, yet one Ctrl-C must end the job. The fleet's own handling
/// stays underneath: a second signal, or none routed, still kills every server and exits.
public enum Interrupts {
    /// Routes the next signals to `handler` with a reason such as `interrupted by signal 2`; `nil`
    /// gives them back to the default handling.
    public static func route(to handler: (@Sendable (String) -> Void)?) {
        guard let handler else { return RedisFleet.setInterruptHandler(nil) }
        RedisFleet.setInterruptHandler { signal in handler("interrupted by signal \(signal)") }
    }
}
