extension EtcdCluster {
    /// The process of `member` while it runs or is paused (`nil` once killed or stopped): for orphan
    /// checks by callers that must prove no member outlived them.
    public func pid(member: Int) -> Int32? {
        precondition(clientEndpoints.indices.contains(member), "etcd member \(member) out of 0..<\(memberCount)")
        return state.withLock { state in
            guard !state.stopped, state.states[member] == .running || state.states[member] == .paused else { return nil }
            return state.pids[member]
        }
    }
}
