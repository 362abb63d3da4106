/// How a run keeps going through faults (`Scenario.reconnect`). Without one, a dead server ends the run
/// with a message (what `bench run` wants: its figures would describe an outage, not the lock); with
/// one, each lane reopens a dead connection and contenders carry on, as a real client would, so a fault
/// experiment can watch the lock before, during and after the fault.
public struct ReconnectPolicy: Codable, Sendable, Hashable {
    /// Least time between two attempts to reopen one lane's connections, ms: a server that is down
    /// refuses at once, and retrying faster only burns the CPU the surviving servers need.
    public var intervalMs: Int

    // After an error a contender backs off as in every run (`Lane.errorBackoffNanos`): a dead
    // connection fails every command at once, and without a pause contenders would spin.
    public init(intervalMs: Int = 100) {
        self.intervalMs = intervalMs
    }
}
