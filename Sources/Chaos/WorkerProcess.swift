import Foundation
import Locks
import POSIX
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A `bench chaos-worker` child: spawned with `posix_spawn`, talked to over its stdin/stdout, frozen
/// with SIGSTOP and thawed with SIGCONT, and always killed and reaped.
///
/// Never orphaned: it runs under `setpriv --pdeathsig KILL` (when setpriv is there), spawned from
/// POSIX's never-ending `SpawnerThread` (the death signal follows the spawning *thread*), it exits on
/// EOF of its stdin (our channel, closed when we die), and it sits in its own process group, which the
/// kernel sends SIGHUP + SIGCONT when it is orphaned with a stopped member.
final class WorkerProcess: Sendable {
    private struct State {
        var exited = false
        var status: Int32 = 0
        var output: [String] = []
        var partial: [UInt8] = []
        var outputClosed = false
        var stdinFD: Int32 = -1
    }

    /// The worker's pid (valid until reaped; every signal checks `exited` under the lock first).
    let pid: Int32
    private let state: Mutex<State>

    private init(pid: Int32, stdinFD: Int32) {
        self.pid = pid
        var initial = State()
        initial.stdinFD = stdinFD
        self.state = Mutex(initial)
    }

    // MARK: spawning

    /// Starts `executable arguments...`; throws when it cannot be spawned.
    static func spawn(executable: String, arguments: [String]) async throws(ChaosEnvironmentError) -> WorkerProcess {
        // Writing to the stdin of a worker that has just died must be an EPIPE, not a SIGPIPE.
        ProcessSignals.ignoreSIGPIPE()
        let toChild: ChildChannel
        let fromChild: ChildChannel
        switch ChildChannel.make() {
        case .success(let channel): toChild = channel
        case .failure(let error): throw ChaosEnvironmentError(.worker, "socketpair for the worker's stdin: \(error)")
        }
        switch ChildChannel.make() {
        case .success(let channel): fromChild = channel
        case .failure(let error):
            toChild.closeBoth()
            throw ChaosEnvironmentError(.worker, "socketpair for the worker's stdout: \(error)")
        }
        let argv = ProcessSpawn.deathSignalPrefix + [executable] + arguments
        let request = SpawnRequest(argv: argv, childStdin: toChild.childEnd, childStdout: fromChild.childEnd, parentStdin: toChild.parentEnd)
        let spawnedPID = await SpawnerThread.shared.perform { [request] in request.spawn() }
        let spawned = spawnedPID.map { pid in
            let worker = WorkerProcess(pid: pid, stdinFD: request.parentStdin)
            let waiter = Thread { worker.waitForExit() }
            waiter.name = "lockbench.chaos.worker-waiter"
            waiter.start()
            return worker
        }
        close(toChild.childEnd)
        close(fromChild.childEnd)
        switch spawned {
        case .failure(let error):
            close(toChild.parentEnd)
            close(fromChild.parentEnd)
            throw error
        case .success(let worker):
            worker.startReading(fromChild.parentEnd)
            return worker
        }
    }

    /// Blocks (on the waiter thread) until the child exits, then reaps it under the lock, so a signal
    /// can never reach a pid the kernel has handed to someone else.
    private func waitForExit() {
        WaitStatus.awaitExit(pid) {
            state.withLock { s in
                s.exited = true
                s.status = WaitStatus.reap(pid).raw
                if s.stdinFD >= 0 { close(s.stdinFD); s.stdinFD = -1 }
            }
        }
    }

    private func startReading(_ fd: Int32) {
        let thread = Thread { [self] in
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let result = buffer.withUnsafeMutableBytes { raw in retryingEINTR { read(fd, raw.baseAddress, raw.count) } }
                guard case .success(let n) = result, n > 0 else { break }
                state.withLock { s in
                    s.partial += buffer[0..<n]
                    while let newline = s.partial.firstIndex(of: UInt8(ascii: "\n")) {
                        s.output.append(String(decoding: s.partial[..<newline], as: UTF8.self))
                        s.partial.removeSubrange(...newline)
                    }
                }
            }
            close(fd)
            state.withLock { $0.outputClosed = true }
        }
        thread.name = "lockbench.chaos.worker-reader"
        thread.start()
    }

    // MARK: talking

    /// Writes one line to the worker's stdin; false when it is gone.
    @discardableResult
    func send(_ line: String) -> Bool {
        state.withLock { s in
            guard !s.exited, s.stdinFD >= 0 else { return false }
            let bytes = Array((line + "\n").utf8)
            return bytes.withUnsafeBytes { write(s.stdinFD, $0.baseAddress, $0.count) } == bytes.count
        }
    }

    /// The next output line starting with `word` (other lines are kept as diagnostics), or `nil` when
    /// the worker closed its output or `timeoutMs` passed.
    func expect(_ word: String, timeoutMs: Int) async -> String? {
        let deadline = LockClock.monotonicNanos() + UInt64(timeoutMs) * 1_000_000
        while LockClock.monotonicNanos() < deadline {
            let (line, closed): (String?, Bool) = state.withLock { s in
                if let index = s.output.firstIndex(where: { $0.hasPrefix(word + " ") || $0 == word || $0.hasPrefix("ERROR") }) {
                    return (s.output.remove(at: index), false)
                }
                return (nil, s.outputClosed)
            }
            if let line { return line }
            if closed { return nil }
            try? await Task.sleep(nanoseconds: 2_000_000)
        }
        return nil
    }

    /// Every line the worker printed that no `expect` took (its errors, usually).
    var diagnostics: [String] { state.withLock { $0.output } }

    // MARK: signals

    /// SIGSTOPs the worker and returns once the kernel reports it stopped (bounded); false if it is gone.
    func freeze() async -> Bool {
        guard signal(SIGSTOP) else { return false }
        let deadline = LockClock.monotonicNanos() + 2_000_000_000
        while LockClock.monotonicNanos() < deadline {
            if ProcFS.stat(pid)?.state == "T" { return true }
            try? await Task.sleep(nanoseconds: 1_000_000)
        }
        return false
    }

    /// SIGCONTs the worker.
    func thaw() { signal(SIGCONT) }

    /// SIGKILLs the worker (a stopped one too) unless it has exited. Idempotent.
    func kill() { signal(SIGKILL) }

    @discardableResult
    private func signal(_ number: Int32) -> Bool {
        state.withLock { s in
            guard !s.exited else { return false }
            return Glibc.kill(pid, number) == 0
        }
    }

    /// Waits for the exit status (bounded); `nil` when still running.
    func waitExit(timeoutMs: Int) async -> Int32? {
        let deadline = LockClock.monotonicNanos() + UInt64(timeoutMs) * 1_000_000
        while LockClock.monotonicNanos() < deadline {
            if let status = state.withLock({ $0.exited ? $0.status : nil }) { return status }
            try? await Task.sleep(nanoseconds: 2_000_000)
        }
        return nil
    }

    /// Kills the worker if needed and waits until it is reaped; returns whether it was (bounded).
    func terminate() async -> Bool {
        kill()
        return await waitExit(timeoutMs: 5_000) != nil
    }
}
