extension QueueRecorder {
    /// Adds another queue's (or machine's) recorder to this one. Per-contender arrays add element by
    /// element (a longer one extends them), timelines add second by second from each one's window start,
    /// and `windowStartNanos` stays this recorder's. `contenderOffset` places another shard's
    /// per-contender arrays (indexed from its slice's start) at their global indices.
    public mutating func merge(_ other: QueueRecorder, contenderOffset: Int = 0) {
        contenders = Swift.max(contenders, contenderOffset + other.contenders)
        acquisitions += other.acquisitions
        // Unknown for either (a recorder saved before the figure existed): unknown for the sum.
        grantsTotal = grantsTotal.flatMap { mine in other.grantsTotal.map { mine + $0 } }
        failedAcquires += other.failedAcquires
        errors.merge(other.errors, uniquingKeysWith: +)
        if let theirs = other.errorExamples { errorExamples = (errorExamples ?? [:]).merging(theirs) { mine, _ in mine } }
        acquireLatency.merge(other.acquireLatency)
        acquireCorrectedLatency.merge(other.acquireCorrectedLatency)
        handoffLatency.merge(other.handoffLatency)
        releaseLatency.merge(other.releaseLatency)
        extendLatency.merge(other.extendLatency)
        attempts.merge(other.attempts)
        Self.add(other.grants, into: &grants, at: contenderOffset)
        Self.add(other.failedByContender, into: &failedByContender, at: contenderOffset)
        Self.add(other.attemptsByContender, into: &attemptsByContender, at: contenderOffset)
        Self.add(other.acquireNanosByContender, into: &acquireNanosByContender, at: contenderOffset)
        if let theirs = other.grantsByKey {
            var mine = grantsByKey ?? []
            Self.add(theirs, into: &mine)
            grantsByKey = mine
        }
        timeline.merge(other.timeline)
        redlock.merge(other.redlock)
        safety.merge(other.safety)
        fifoInversions += other.fifoInversions
        watchdogLateness.merge(other.watchdogLateness)
        watchdogFailures += other.watchdogFailures
        if let theirs = other.intervals {
            if intervals == nil { intervals = theirs } else { intervals!.merge(theirs) }
        }
        if let theirs = other.harness {
            if harness == nil { harness = theirs } else { harness!.merge(theirs) }
        }
    }

    /// All recorders merged into one (an empty recorder for 0 contenders when `recorders` is empty).
    public static func merged(_ recorders: [QueueRecorder]) -> QueueRecorder {
        guard var total = recorders.first else { return QueueRecorder(contenders: 0, windowStartNanos: 0) }
        for recorder in recorders.dropFirst() { total.merge(recorder) }
        return total
    }

    private static func add<T: FixedWidthInteger>(_ other: [T], into mine: inout [T], at offset: Int = 0) {
        let end = offset + other.count
        if end > mine.count { mine.append(contentsOf: repeatElement(0, count: end - mine.count)) }
        for i in other.indices { mine[offset + i] += other[i] }
    }
}
