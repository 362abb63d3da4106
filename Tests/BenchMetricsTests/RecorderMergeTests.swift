import BenchMetrics
import Foundation
import Testing

/// A deterministic event stream: merging the recorders that saw half of it each must equal the
/// recorder that saw all of it.
private struct Event {
    enum Kind { case acquired, corrected, failed, error, handoff, release, extend, redlock, overlap, inversion, renewal, watchdogFailure }
    var kind: Kind
    var contender: Int
    var nanos: UInt64
    var at: UInt64
    var attempts: Int
}

private func events(count: Int, contenders: Int, start: UInt64, seed: UInt64) -> [Event] {
    var state = seed
    func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    let kinds: [Event.Kind] = [.acquired, .acquired, .acquired, .acquired, .corrected, .failed, .error, .handoff, .release, .extend, .redlock, .overlap, .inversion, .renewal, .watchdogFailure]
    return (0..<count).map { _ in
        // Latencies spread over 10 µs … ~10 s, log-uniform, so many buckets and seconds are touched.
        let exponent = 13 + Int(next() % 21)
        let nanos = (UInt64(1) << UInt64(exponent)) + next() % (UInt64(1) << UInt64(exponent))
        return Event(
            kind: kinds[Int(next() % UInt64(kinds.count))], contender: Int(next() % UInt64(contenders)), nanos: nanos,
            at: start + next() % 12_000_000_000, attempts: 1 + Int(next() % 5)
        )
    }
}

private func apply(_ e: Event, to r: inout QueueRecorder) {
    switch e.kind {
    case .acquired: r.recordAcquired(contender: e.contender, latencyNanos: e.nanos, attempts: e.attempts, completedAtNanos: e.at)
    case .corrected: r.recordCorrectedAcquireLatency(nanos: e.nanos)
    case .failed: r.recordFailedAcquire(contender: e.contender, attempts: e.attempts, completedAtNanos: e.at)
    case .error: r.recordError(kind: e.attempts % 2 == 0 ? "transport connection reset" : "server error NOSCRIPT", atNanos: e.at)
    case .handoff: r.recordHandoff(nanos: e.nanos)
    case .release: r.recordRelease(nanos: e.nanos)
    case .extend: r.recordExtend(nanos: e.nanos)
    case .redlock:
        let ttlMs = 1_000
        let validity = Double(ttlMs) - Double(e.nanos) / 1e6 - 12
        r.recordRedlockAttempt(
            elapsedNanos: e.nanos, ttlMs: ttlMs, validityMs: validity, answered: e.attempts,
            quorumReached: e.attempts >= 3, overrun: e.attempts >= 3 && validity <= 0, splitVote: e.attempts == 2
        )
    case .overlap: r.recordMutexOverlap()
    case .inversion: r.recordFIFOInversion()
    case .renewal: r.recordWatchdogRenewal(lateByNanos: e.nanos / 100)
    case .watchdogFailure: r.recordWatchdogFailure()
    }
}

@Suite struct RecorderMergeTests {
    static let start: UInt64 = 5_000_000_000
    static let contenders = 37

    @Test func mergeEqualsRecordingEverythingInOne() throws {
        let all = events(count: 20_000, contenders: Self.contenders, start: Self.start, seed: 42)
        var whole = QueueRecorder(contenders: Self.contenders, windowStartNanos: Self.start)
        var a = QueueRecorder(contenders: Self.contenders, windowStartNanos: Self.start)
        var b = QueueRecorder(contenders: Self.contenders, windowStartNanos: Self.start)
        for (i, e) in all.enumerated() {
            apply(e, to: &whole)
            if i % 3 == 0 { apply(e, to: &a) } else { apply(e, to: &b) }
        }
        let merged = QueueRecorder.merged([a, b])
        #expect(merged == whole)

        // The same, figure by figure, so a failure says which part differs.
        for kind in LatencyKind.allCases {
            let m = merged.latency(kind)
            let w = whole.latency(kind)
            #expect(m.count == w.count, "\(kind) count")
            #expect(m.max == w.max, "\(kind) max")
            for p in [1.0, 50, 90, 99, 99.9] {
                #expect(m.value(atPercentile: p) == w.value(atPercentile: p), "\(kind) p\(p)")
            }
        }
        #expect(merged.acquisitions == whole.acquisitions)
        #expect(merged.grants == whole.grants)
        #expect(merged.grants.reduce(0, +) == whole.acquisitions)
        #expect(merged.failedByContender == whole.failedByContender)
        #expect(merged.attemptsByContender == whole.attemptsByContender)
        #expect(merged.acquireNanosByContender == whole.acquireNanosByContender)
        #expect(merged.errors == whole.errors)
        #expect(merged.timeline == whole.timeline)
        #expect(merged.timeline.acquisitions.reduce(0, +) == whole.acquisitions)
        for s in 0..<whole.timeline.seconds {
            #expect(merged.timeline.acquireNanos(atPercentile: 99, second: s) == whole.timeline.acquireNanos(atPercentile: 99, second: s))
        }
        #expect(merged.redlock == whole.redlock)
        #expect(merged.safety == whole.safety)
        #expect(merged.fifoInversions == whole.fifoInversions)
        #expect(merged.watchdogFailures == whole.watchdogFailures)

        let derivedMerged = Measurements(raw: merged, windowS: 12)
        let derivedWhole = Measurements(raw: whole, windowS: 12)
        #expect(derivedMerged.acquire == derivedWhole.acquire)
        #expect(derivedMerged.fairness == derivedWhole.fairness)
        #expect(derivedMerged.redlock == derivedWhole.redlock)
    }

    @Test func mergingIntoAnEmptyRecorderAndOfEmptyRecorders() {
        var one = QueueRecorder(contenders: 3, windowStartNanos: 0)
        one.recordAcquired(contender: 1, latencyNanos: 50_000, attempts: 2, completedAtNanos: 2_500_000_000)
        var empty = QueueRecorder(contenders: 3, windowStartNanos: 0)
        empty.merge(one)
        #expect(empty == one)
        one.merge(QueueRecorder(contenders: 3, windowStartNanos: 0))
        #expect(empty == one)
        #expect(QueueRecorder.merged([]).acquisitions == 0)
    }

    @Test func shardsLandAtTheirGlobalContenderIndices() {
        // Shard 1 of 2 over 5 contenders runs global 2..<5, recorded at local 0..<3.
        var first = QueueRecorder(contenders: 2, windowStartNanos: 0)
        first.recordAcquired(contender: 1, latencyNanos: 40_000, attempts: 1, completedAtNanos: 1_000)
        var second = QueueRecorder(contenders: 3, windowStartNanos: 0)
        second.recordAcquired(contender: 0, latencyNanos: 60_000, attempts: 3, completedAtNanos: 2_000)
        second.recordAcquired(contender: 2, latencyNanos: 70_000, attempts: 1, completedAtNanos: 3_000)
        var merged = QueueRecorder(contenders: 5, windowStartNanos: 0)
        merged.merge(first, contenderOffset: 0)
        merged.merge(second, contenderOffset: 2)
        #expect(merged.contenders == 5)
        #expect(merged.grants == [0, 1, 1, 0, 1])
        #expect(merged.attemptsByContender == [0, 1, 3, 0, 1])
        #expect(merged.acquisitions == 3 && merged.acquireLatency.count == 3)
    }

    @Test func grantsTotalKeepsTheWarmUpAndAddsUpUnlessAPartIsUnknown() throws {
        var r = QueueRecorder(contenders: 1, windowStartNanos: 0)
        r.recordGrant()
        r.reset(windowStartNanos: 5)
        r.recordGrant()
        r.recordAcquired(contender: 0, latencyNanos: 10_000, attempts: 1, completedAtNanos: 6)
        #expect(r.grantsTotal == 2 && r.acquisitions == 1, "the warm-up's grant stays in the run's total")
        var sum = r
        sum.merge(r)
        #expect(sum.grantsTotal == 4 && Measurements(raw: sum, windowS: 1).grantsTotal == 4)
        // A recorder saved before the figure existed decodes without it: the sum is then unknown.
        var json = try #require(try JSONSerialization.jsonObject(with: try JSONEncoder().encode(r)) as? [String: Any])
        json["grantsTotal"] = nil
        let old = try JSONDecoder().decode(QueueRecorder.self, from: try JSONSerialization.data(withJSONObject: json))
        #expect(old.grantsTotal == nil)
        sum.merge(old)
        #expect(sum.grantsTotal == nil && sum.acquisitions == 3)
    }

    @Test func recorderSurvivesJSON() throws {
        var r = QueueRecorder(contenders: 5, windowStartNanos: Self.start)
        for e in events(count: 3_000, contenders: 5, start: Self.start, seed: 7) { apply(e, to: &r) }
        let data = try JSONEncoder().encode(r)
        let back = try JSONDecoder().decode(QueueRecorder.self, from: data)
        #expect(back == r)
        #expect(back.acquireLatency.max == r.acquireLatency.max)
        // Sparse: a few hundred buckets, not 33,792 zeros per histogram.
        #expect(data.count < 200_000)
    }

    @Test func malformedHistogramJSONIsRejected() {
        func decode(_ json: String) throws -> ClampingHistogram {
            try JSONDecoder().decode(ClampingHistogram.self, from: Data(json.utf8))
        }
        let good = #"{"significantDigits":3,"highestTrackableValue":1000,"clamped":0,"max":7,"buckets":"5:2 7:1"}"#
        #expect((try? decode(good))?.count == 3)
        #expect((try? decode(good))?.max == 7)
        #expect(throws: DecodingError.self) { try decode(good.replacingOccurrences(of: "5:2", with: "5:x")) }
        #expect(throws: DecodingError.self) { try decode(good.replacingOccurrences(of: "5:2", with: "900:2")) } // above max
        #expect(throws: DecodingError.self) { try decode(good.replacingOccurrences(of: #""significantDigits":3"#, with: #""significantDigits":2"#)) }
    }

    @Test func timelineCountsBySecondOfCompletion() {
        var r = QueueRecorder(contenders: 1, windowStartNanos: 1_000_000_000)
        r.recordAcquired(contender: 0, latencyNanos: 10_000, attempts: 1, completedAtNanos: 1_000_000_001)
        r.recordAcquired(contender: 0, latencyNanos: 10_000, attempts: 1, completedAtNanos: 1_999_999_999)
        r.recordAcquired(contender: 0, latencyNanos: 90_000, attempts: 1, completedAtNanos: 4_200_000_000)
        r.recordFailedAcquire(contender: 0, attempts: 3, completedAtNanos: 2_000_000_000)
        r.recordError(kind: "x", atNanos: 500) // before the window: second 0
        #expect(r.timeline.acquisitions == [2, 0, 0, 1])
        #expect(r.timeline.failed == [0, 1, 0, 0])
        #expect(r.timeline.errors == [1, 0, 0, 0])
        #expect(r.timeline.acquireNanos(atPercentile: 99, second: 1) == nil)
        #expect(r.timeline.rows.count == 4)
        #expect(r.timeline.rows[3].acquireMaxUs == 90)
    }

    @Test func coarseTimelineP99IsCloseAbove() throws {
        var r = QueueRecorder(contenders: 1, windowStartNanos: 0)
        var exact = ClampingHistogram()
        for i in 1...10_000 {
            let ns = UInt64(i) * 1_337 + 900
            r.recordAcquired(contender: 0, latencyNanos: ns, attempts: 1, completedAtNanos: 100)
            exact.record(ns)
        }
        let coarse = try #require(r.timeline.acquireNanos(atPercentile: 99, second: 0))
        let truth = exact.value(atPercentile: 99)
        #expect(Double(coarse) >= Double(truth) * 0.999)
        #expect(Double(coarse) <= Double(truth) * 1.125)
    }

    @Test func valuesAboveTheCeilingClampInsteadOfVanishing() {
        var h = ClampingHistogram()
        h.record(ClampingHistogram.oneHourNanos * 5)
        h.record(1_000)
        #expect(h.count == 2)
        #expect(h.clampedCount == 1)
        #expect(h.max == ClampingHistogram.oneHourNanos)
        #expect(h.value(atPercentile: 100) == ClampingHistogram.oneHourNanos)
    }

    @Test func percentilesHaveThreeSignificantDigits() {
        var h = ClampingHistogram()
        for v in 1...100_000 { h.record(UInt64(v) * 1_000) } // 1 µs … 100 ms
        let p50 = Double(h.value(atPercentile: 50))
        #expect(abs(p50 - 50_000_000) / 50_000_000 < 0.001)
        #expect(h.max == 100_000_000)
        #expect(abs(h.mean - 50_000_500) / 50_000_500 < 0.001)
    }
}

@Suite struct ErrorExampleTests {
    @Test("each error kind keeps its first message, across lanes merged in order, and reaches the measurements")
    func firstMessagePerKind() throws {
        var a = QueueRecorder(contenders: 1, windowStartNanos: 0)
        var b = QueueRecorder(contenders: 1, windowStartNanos: 0)
        a.recordError(kind: "transport", atNanos: 1, message: "connection reset by 127.0.0.1:2379")
        a.recordError(kind: "transport", atNanos: 2, message: "a later one")
        b.recordError(kind: "transport", atNanos: 3, message: "lane b's")
        b.recordError(kind: "release.transport", atNanos: 4, message: "release timed out")
        b.recordError(kind: "timeout", atNanos: 5)
        let merged = QueueRecorder.merged([a, b])
        let m = Measurements(raw: merged, windowS: 1)
        #expect(m.errorsByKind == ["transport": 3, "release.transport": 1, "timeout": 1])
        #expect(m.errorExamples == ["transport": "connection reset by 127.0.0.1:2379", "release.transport": "release timed out"])
        let decoded = try JSONDecoder().decode(Measurements.self, from: JSONEncoder().encode(m))
        #expect(decoded.errorExamples == m.errorExamples)
    }
}
