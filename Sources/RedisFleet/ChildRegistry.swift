import Dispatch
import POSIX
import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What `waitpid` said about a registered child.
enum ReapOutcome: Sendable, Hashable {
    /// Still running (or stopped).
    case running
    /// Reaped now; it ended this way.
    case exited(WaitStatus)
    /// Not registered: already reaped, possibly by `killAll()`. Never signal such a pid again:
    /// the kernel may have given the number to another process.
    case notOurs
}

/// The process-wide list of live children and temp directories, and the signal safety net.
///
/// Every signal to a child goes through here, under the same lock as its reaping. A pid is
/// registered from spawn until it is reaped, so the harness never signals a number the kernel
/// may have reused for someone else's process.
enum ChildRegistry {
    private struct State {
        var pids: Set<pid_t> = []
        var directories: Set<String> = []
        var interruptHandler: (@Sendable (Int32) -> Void)?
        var interrupts = 0
        var installed = false
        var signalSources: [any DispatchSourceSignal] = []
    }

    private static let state = Mutex(State())
    private static let signalQueue = DispatchQueue(label: "lockbench.fleet.signals")

    // MARK: children

    /// Spawns and registers in one step, so a signal arriving in between cannot miss the child.
    static func spawn(_ request: ProcessSpawn) -> Result<pid_t, SpawnFailure> {
        state.withLock { state in
            let result = request.spawn()
            if case .success(let pid) = result { state.pids.insert(pid) }
            return result
        }
    }

    /// Sends `signal` to `pid` if it is still a registered child; returns whether it was sent.
    @discardableResult
    static func send(_ signal: Int32, to pid: pid_t) -> Bool {
        state.withLock { state in
            guard state.pids.contains(pid) else { return false }
            return kill(pid, signal) == 0
        }
    }

    /// Collects `pid` if it has ended; with `blocking`, waits until it does.
    static func reap(_ pid: pid_t, blocking: Bool) -> ReapOutcome {
        state.withLock { state in
            guard state.pids.contains(pid) else { return .notOurs }
            return waitLocked(pid, options: blocking ? 0 : WNOHANG, pids: &state.pids)
        }
    }

    /// SIGKILLs `pid` and reaps it, so no zombie is left.
    @discardableResult
    static func killAndReap(_ pid: pid_t) -> ReapOutcome {
        state.withLock { state in
            guard state.pids.contains(pid) else { return .notOurs }
            kill(pid, SIGKILL)
            return waitLocked(pid, options: 0, pids: &state.pids)
        }
    }

    /// SIGKILLs the process group `pid` leads (a child spawned with `ownProcessGroup`), then reaps `pid`:
    /// nothing the child started itself outlives it.
    @discardableResult
    static func killGroupAndReap(_ pid: pid_t) -> ReapOutcome {
        state.withLock { state in
            guard state.pids.contains(pid) else { return .notOurs }
            kill(-pid, SIGKILL)
            kill(pid, SIGKILL)
            return waitLocked(pid, options: 0, pids: &state.pids)
        }
    }

    /// SIGSTOPs `pid` and returns once it is stopped.
    ///
    /// Confirming makes the pause certain before the caller probes: without it a request sent
    /// right after could still be served. The wait polls with a bound instead of blocking in
    /// `waitpid(WUNTRACED)`, because a process already stopped by someone else produces no new
    /// report, and this lock must never be held forever.
    static func stopAndConfirm(_ pid: pid_t) -> ReapOutcome {
        state.withLock { state in
            guard state.pids.contains(pid) else { return .notOurs }
            guard kill(pid, SIGSTOP) == 0 else { return .running }
            let deadline = MonotonicClock.nanos() + 2_000_000_000
            while MonotonicClock.nanos() < deadline {
                var status: Int32 = 0
                let result = retryingEINTR { waitpid(pid, &status, WUNTRACED | WNOHANG) }
                if case .success(pid) = result {
                    if WaitStatus(raw: status).isStopped { return .running }
                    state.pids.remove(pid)
                    return .exited(WaitStatus(raw: status))
                }
                if case .failure(.noChildProcess) = result {
                    state.pids.remove(pid)
                    return .notOurs
                }
                if ProcFS.stat(pid)?.state == "T" { return .running }
                usleep(1_000)
            }
            return .running
        }
    }

    private static func waitLocked(_ pid: pid_t, options: Int32, pids: inout Set<pid_t>) -> ReapOutcome {
        var status: Int32 = 0
        let result = retryingEINTR { waitpid(pid, &status, options) }
        if case .success(pid) = result {
            pids.remove(pid)
            return .exited(WaitStatus(raw: status))
        }
        if case .failure(.noChildProcess) = result {
            // Someone else reaped it (a SIGCHLD handler set to SIG_IGN does that): it is gone.
            pids.remove(pid)
            return .notOurs
        }
        return .running
    }

    /// Whether any child is still registered (tests use this).
    static var liveChildren: Set<pid_t> { state.withLock { $0.pids } }

    // MARK: directories

    /// Remembers a temp directory so the safety net removes it too.
    static func register(directory: String) {
        state.withLock { _ = $0.directories.insert(directory) }
    }

    /// Forgets a directory the fleet removed itself.
    static func unregister(directory: String) {
        state.withLock { _ = $0.directories.remove(directory) }
    }

    // MARK: safety net

    /// SIGKILLs and reaps every registered child and removes every registered directory.
    static func killAll() {
        let directories: Set<String> = state.withLock { state in
            for pid in state.pids { kill(pid, SIGKILL) }
            for pid in state.pids {
                var status: Int32 = 0
                _ = retryingEINTR { waitpid(pid, &status, 0) }
            }
            state.pids.removeAll()
            let directories = state.directories
            state.directories.removeAll()
            return directories
        }
        for directory in directories {
            try? FileManager.default.removeItem(atPath: directory)
        }
    }

    /// Replaces what SIGINT, SIGTERM and SIGHUP do; `nil` restores the default (kill all, exit 128+signal).
    static func setInterruptHandler(_ handler: (@Sendable (Int32) -> Void)?) {
        installOnce()
        state.withLock { state in
            state.interruptHandler = handler
            state.interrupts = 0
        }
    }

    /// Installs the signal sources and the `atexit` hook, the first time only.
    static func installOnce() {
        state.withLock { state in
            guard !state.installed else { return }
            state.installed = true
            for signalNumber in [SIGINT, SIGTERM, SIGHUP] {
                // The default action would end the process before the source's handler runs.
                signal(signalNumber, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: signalQueue)
                source.setEventHandler { handleSignal(signalNumber) }
                source.resume()
                state.signalSources.append(source)
            }
            atexit { ChildRegistry.killAll() }
        }
    }

    private static func handleSignal(_ signalNumber: Int32) {
        let handler: (@Sendable (Int32) -> Void)? = state.withLock { state in
            state.interrupts += 1
            // A second signal means the custom handler is stuck or too slow: fall back to the default.
            return state.interrupts == 1 ? state.interruptHandler : nil
        }
        if let handler {
            handler(signalNumber)
            return
        }
        killAll()
        exit(128 + signalNumber)
    }
}
