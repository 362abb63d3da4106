/// The latencies a run records, each in its own HDR histogram of nanoseconds. Raw values name them in
/// file names (`.hgrm`) and outputs.
public enum LatencyKind: String, CaseIterable, Codable, Sendable, Hashable {
    /// First attempt sent → lock granted (retries and sleeps included).
    case acquire
    /// Open loop: the moment the schedule said the acquisition should start → granted. Unlike
    /// `acquire`, a stalled client cannot hide its own backlog here (coordinated omission).
    case acquireCorrected = "acquire-corrected"
    /// Release by one holder → grant to the next holder of the same key.
    case handoff
    /// Release sent → its reply.
    case release
    /// Extend sent → its reply.
    case extend
    /// How late each watchdog renewal ran against its ttl/3 schedule.
    case watchdogLateness = "watchdog-lateness"
}
