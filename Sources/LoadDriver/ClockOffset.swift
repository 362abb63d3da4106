/// How far this machine's wall clock is from the server's, estimated as NTP does from `TIME` round
/// trips: the server's time is taken to be read halfway through the round trip, so the true offset
/// lies within ± half the round trip of the estimate. The round trip with the smallest RTT is kept:
/// queueing only ever widens the bound.
public struct ClockOffset: Codable, Sendable, Hashable {
    /// Server time minus local wall-clock time, µs (positive: the server's clock is ahead).
    public var offsetUs: Double
    /// Half the smallest round trip, µs: the true offset lies within `offsetUs ± uncertaintyUs`.
    public var uncertaintyUs: Double

    public init(offsetUs: Double, uncertaintyUs: Double) {
        self.offsetUs = offsetUs
        self.uncertaintyUs = uncertaintyUs
    }

    /// The estimate from round trips of (local send µs, server time µs, local receive µs), the one
    /// with the smallest round trip chosen; `nil` without any.
    public static func estimate(_ samples: [(sentUs: Double, serverUs: Double, receivedUs: Double)]) -> ClockOffset? {
        guard let best = samples.min(by: { $0.receivedUs - $0.sentUs < $1.receivedUs - $1.sentUs }) else { return nil }
        let rtt = max(0, best.receivedUs - best.sentUs)
        return ClockOffset(offsetUs: best.serverUs - (best.sentUs + best.receivedUs) / 2, uncertaintyUs: rtt / 2)
    }
}
