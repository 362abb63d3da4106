import Foundation
import POSIX
#if canImport(Glibc)
import Glibc
#endif

/// A process seen once: its pid and its start time, so a later check cannot be fooled by the
/// kernel handing the same pid (pid_max is small here) to another process.
struct ProcessSighting: Hashable, CustomStringConvertible {
    var pid: Int32
    var startTime: UInt64?

    init(pid: Int32) {
        self.pid = pid
        self.startTime = ProcFS.stat(pid)?.startTime
    }

    /// True while that same process exists, zombie included: a zombie means nobody reaped it.
    var isAlive: Bool {
        if kill(pid, 0) == -1 && errno == ESRCH { return false }
        guard let now = ProcFS.stat(pid)?.startTime else { return false }
        return startTime == nil || now == startTime
    }

    var description: String { "pid \(pid) (\(Self.state(of: pid) ?? "gone"))" }

    /// R, S, T (stopped), Z (zombie)...
    static func state(of pid: Int32) -> String? {
        ProcFS.stat(pid).map { String($0.state) }
    }

    /// Waits (bounded, never asserted on) until the process is gone; returns whether it went.
    func waitUntilGone(boundSeconds: Double = 10) async -> Bool {
        let deadline = Date().addingTimeInterval(boundSeconds)
        while isAlive && Date() < deadline {
            try? await Task.sleep(nanoseconds: 20_000_000)
        }
        return !isAlive
    }
}
