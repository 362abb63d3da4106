import LoadDriver

/// The live line `bench run` rewrites once a second on a TTY (silent when stdout is not a TTY or `CI`
/// is set: a log full of carriage returns helps nobody).
public enum ProgressLine {
    /// Which part of the run the line describes.
    public enum Phase: String, Sendable {
        /// Warm-up: figures are discarded.
        case warmup = "warm-up"
        /// The measurement window.
        case measuring = "measuring"
    }

    /// One line without a line break, e.g.
    /// `native  measuring  12/30 s  41,230 acq/s  p99 182 µs  errors 0`. The caller prefixes `\r` and
    /// clears to the end of the line (`ESC[K`) when it rewrites in place.
    ///
    /// - Parameters:
    ///   - client: the client running now, or `nil` to leave it out.
    ///   - elapsedS: seconds into the phase; `totalS`: the phase's planned length, if known.
    ///   - acquisitionsPerSecond: acquisitions completed in the last second.
    ///   - p99Us: acquire p99 so far in the window (`nil` before the first grant).
    ///   - errors: errors so far.
    public static func render(
        client: String? = nil, phase: Phase, elapsedS: Double, totalS: Double?,
        acquisitionsPerSecond: Double, p99Us: Double?, errors: Int
    ) -> String {
        var parts: [String] = []
        if let client { parts.append(client) }
        parts.append(phase.rawValue)
        let elapsed = NumberText.fixed(elapsedS.rounded(.down), 0)
        parts.append(totalS.map { "\(elapsed)/\(NumberText.fixed($0, 0)) s" } ?? "\(elapsed) s")
        parts.append("\(NumberText.grouped(acquisitionsPerSecond)) acq/s")
        parts.append("p99 " + (p99Us.map { NumberText.micros($0) + " µs" } ?? "-"))
        parts.append("errors \(NumberText.grouped(Double(errors)))")
        return parts.joined(separator: "  ")
    }

    /// The line for a driver snapshot. With `scenario`, the elapsed time is shown against the phase's
    /// planned length (warm-up, then window); without it, as seconds since the run started.
    public static func render(_ snapshot: ProgressSnapshot, client: String? = nil, scenario: Scenario? = nil) -> String {
        let warmup = scenario?.warmupS ?? 0
        let inPhase = snapshot.measuring ? Swift.max(0, snapshot.elapsedSeconds - warmup) : snapshot.elapsedSeconds
        let planned = scenario.map { snapshot.measuring ? $0.durationS : $0.warmupS }
        return render(
            client: client ?? scenario?.client.rawValue, phase: snapshot.measuring ? .measuring : .warmup,
            elapsedS: inPhase, totalS: planned, acquisitionsPerSecond: snapshot.acquisitionsPerSecond,
            p99Us: snapshot.p99Us, errors: snapshot.errors
        )
    }
}
