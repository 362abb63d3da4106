import RedisConnection
#if canImport(Glibc)
import Glibc
#endif
import POSIX

extension EtcdCluster {
    // MARK: breaking members on purpose

    /// What each member's process is doing, as the cluster last saw it (notices members that died).
    public var memberStates: [NodeState] {
        state.withLock { state in
            for index in state.pids.indices where state.states[index] == .running || state.states[index] == .paused {
                if case .exited = ChildRegistry.reap(state.pids[index], blocking: false) { state.states[index] = .exited }
            }
            return state.states
        }
    }

    /// SIGKILLs `member` and reaps it: a crash with no chance to step down. Its data directory stays
    /// for `restart`. Does nothing to a member with no process.
    public func kill(member: Int) {
        precondition(clientEndpoints.indices.contains(member), "etcd member \(member) out of 0..<\(memberCount)")
        state.withLock { state in
            guard !state.stopped, state.states[member] == .running || state.states[member] == .paused else { return }
            ChildRegistry.killAndReap(state.pids[member])
            state.states[member] = .killed
        }
    }

    /// Starts a killed or exited `member` again on its ports with its data directory, and returns once
    /// it is healthy (it rejoined and sees a leader). Does nothing to a running or paused member.
    public func restart(member: Int) async throws(FleetError) {
        precondition(clientEndpoints.indices.contains(member), "etcd member \(member) out of 0..<\(memberCount)")
        let mayStart: Bool = state.withLock { state in
            guard !state.stopped, state.states[member] == .killed || state.states[member] == .exited else { return false }
            state.states[member] = .starting
            return true
        }
        guard mayStart else {
            if state.withLock({ $0.stopped }) {
                throw FleetError(.fleetStopped, endpoint: clientEndpoints[member], detail: "etcd member \(member): restart after stop()")
            }
            return
        }
        do throws(FleetError) {
            let pid = try await spawn(member: member)
            let stillOurs = state.withLock { state in
                guard !state.stopped else { return false }
                state.pids[member] = pid
                return true
            }
            guard stillOurs else {
                ChildRegistry.killAndReap(pid)
                throw FleetError(.fleetStopped, endpoint: clientEndpoints[member], detail: "etcd member \(member): stopped during restart")
            }
            try await waitHealthy(member: member)
            state.withLock { state in
                if state.states[member] == .starting { state.states[member] = .running }
            }
        } catch {
            state.withLock { state in
                if !state.stopped {
                    ChildRegistry.killAndReap(state.pids[member])
                    state.states[member] = .killed
                }
            }
            throw error
        }
    }

    /// SIGSTOPs `member` and returns once it is stopped: a GC pause or a partitioned member (its
    /// peers' heartbeats and its clients' requests go unanswered).
    public func pause(member: Int) {
        precondition(clientEndpoints.indices.contains(member), "etcd member \(member) out of 0..<\(memberCount)")
        state.withLock { state in
            guard !state.stopped, state.states[member] == .running else { return }
            switch ChildRegistry.stopAndConfirm(state.pids[member]) {
            case .running: state.states[member] = .paused
            case .exited, .notOurs: state.states[member] = .exited
            }
        }
    }

    /// SIGCONTs a paused `member`.
    public func resume(member: Int) {
        precondition(clientEndpoints.indices.contains(member), "etcd member \(member) out of 0..<\(memberCount)")
        state.withLock { state in
            guard !state.stopped, state.states[member] == .paused else { return }
            ChildRegistry.send(SIGCONT, to: state.pids[member])
            state.states[member] = .running
        }
    }

    /// The index of the member that is Raft leader now, from each running member's `/metrics`
    /// (`etcd_server_is_leader 1`). Throws when no running member says it leads (an election is under
    /// way, or quorum is lost): retry after a moment.
    public func leaderIndex() async throws(FleetError) -> Int {
        let states = memberStates
        let running = states.indices.filter { states[$0] == .running }
        var answers: [String] = []
        for member in running {
            do {
                let metrics = try HTTPProbe.get("/metrics", at: clientEndpoints[member], timeoutMs: 1_000)
                if PrometheusText.value(of: "etcd_server_is_leader", in: metrics.body) == 1 { return member }
                answers.append("member \(member): not leader")
            } catch {
                answers.append("member \(member): \(error.detail)")
            }
        }
        throw FleetError(.cluster, detail: "no running etcd member is leader now (\(answers.joined(separator: "; ")))",
                         hint: "An election may be under way or quorum lost; retry in a moment.")
    }
}
