import LoadDriver

extension SummaryTable {
    /// Sentinel runs: the worst failover window and counts over every failover (each one is in the JSON).
    static var failoverRows: [Row] {
        func total(_ pick: @escaping (FailoverWindow) -> Int) -> (RunResult) -> Double? {
            { r in r.failovers.map { Double($0.reduce(0) { $0 + pick($1) }) } }
        }
        return [
            row("failovers followed", ratio: false, format: count) { $0.failovers.map { Double($0.count) } },
            row("worst failover: no grant for (ms)", ratio: false, format: { NumberText.fixed($0, 1) }) { $0.worstFailover?.unavailableMs },
            row("failovers with no grant after them", ratio: false, format: count) { r in
                r.failovers.map { Double($0.filter { $0.firstGrantAfterMs == nil }.count) }
            },
            row("failed acquisitions in failovers", ratio: false, format: count, total(\.failedAcquisitions)),
            row("errors in failovers", ratio: false, format: count, total(\.errors)),
            row("double grants after failovers", ratio: false, format: count, total(\.doubleGrants)),
            row("grants on the old primary after switch", ratio: false, format: count, total(\.oldPrimaryGrants)),
        ]
    }
}
