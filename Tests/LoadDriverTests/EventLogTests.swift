@testable import LoadDriver
import Testing

@Suite("event log")
struct EventLogTests {
    static func grant(_ at: UInt64) -> LoadEvent { LoadEvent(atNanos: at, latencyNanos: 1, validityMs: 100, granted: true) }
    static func failure(_ at: UInt64) -> LoadEvent { LoadEvent(atNanos: at, latencyNanos: 1, validityMs: 0, granted: false) }

    @Test("merged lanes: phases, first grant after an instant, last before, and the longest gap without a grant")
    func queries() {
        var a = LoadEventLog(capacity: 10)
        var b = LoadEventLog(capacity: 10)
        for at: UInt64 in [10, 20, 90] { a.append(Self.grant(at)) }
        b.append(Self.failure(40))
        b.append(Self.grant(30))
        let log = LoadEventLog.merged([a, b])
        #expect(log.events.map(\.atNanos) == [10, 20, 30, 40, 90])
        #expect(log.grantCount == 4 && log.failureCount == 1)
        #expect(log.grants(from: 20, to: 90).count == 2 && log.failures(from: 0, to: 40).isEmpty)
        #expect(log.firstGrant(after: 30) == 90 && log.firstGrant(after: 90) == nil)
        #expect(log.lastGrant(atOrBefore: 89) == 30)
        // From the fault at 35: nothing until 90, then nothing until the end at 100.
        #expect(log.longestGapWithoutGrant(from: 35, to: 100) == 55)
        #expect(log.longestGapWithoutGrant(from: 95, to: 100) == 5)
    }

    @Test("a full log stops storing and counts what it dropped")
    func bounded() {
        var log = LoadEventLog(capacity: 2)
        for at: UInt64 in 1...5 { log.append(Self.grant(at)) }
        #expect(log.events.count == 2 && log.dropped == 3)
        #expect(LoadEventLog.merged([log, log]).dropped == 6)
    }
}
