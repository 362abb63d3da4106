extension LoadRun {
    /// How the lanes keep going through faults: the scenario's policy, or, for a primary that can move,
    /// the default one (following a failover means reopening connections, not ending the run).
    var reconnectPolicy: ReconnectPolicy? {
        scenario.reconnect ?? (primaryWatch != nil ? ReconnectPolicy() : nil)
    }

    /// Starts the primary watch, if any, and hands every move it reports to each lane on its queue.
    func followPrimary(_ lanes: [Lane]) async {
        guard let watch = primaryWatch else { return }
        for lane in lanes { await lane.onQueue { lane.followPrimary(watch) } }
        await watch.start { move in
            for lane in lanes { lane.queue.async { lane.primaryMoved(move) } }
        }
    }

    static func failovers(_ lanes: [Lane], windowStart: UInt64) async -> [FailoverWindow] {
        var records: [[LaneFailoverRecord]] = []
        for lane in lanes { records.append(await lane.onQueue { lane.failoverRecords() }) }
        return FailoverWindow.merged(records, windowStart: windowStart)
    }
}
