import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A process seen once: its pid and its start time, so a later check cannot be fooled by the
/// kernel handing the same pid (pid_max is small here) to another process.
struct ProcessSighting: Hashable, CustomStringConvertible {
    var pid: Int32
    var startTime: String?

    init(pid: Int32) {
        self.pid = pid
        self.startTime = Self.startTime(of: pid)
    }

    /// True while that same process exists, zombie included: a zombie means nobody reaped it.
    var isAlive: Bool {
        if kill(pid, 0) == -1 && errno == ESRCH { return false }
        guard let now = Self.startTime(of: pid) else { return false }
        return startTime == nil || now == startTime
    }

    var description: String { "pid \(pid) (\(Self.state(of: pid) ?? "gone"))" }

    /// Field 22 of /proc/<pid>/stat, in clock ticks since boot.
    static func startTime(of pid: Int32) -> String? {
        statFields(of: pid).flatMap { $0.count > 19 ? $0[19] : nil }
    }

    /// Field 3 of /proc/<pid>/stat: R, S, T (stopped), Z (zombie)...
    static func state(of pid: Int32) -> String? {
        statFields(of: pid)?.first
    }

    /// Field 4 of /proc/<pid>/stat.
    static func parent(of pid: Int32) -> Int32? {
        statFields(of: pid).flatMap { $0.count > 1 ? Int32($0[1]) : nil }
    }

    /// The fields after the command name, which may itself hold spaces and parentheses.
    private static func statFields(of pid: Int32) -> [String]? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = text.lastIndex(of: ")") else { return nil }
        return text[text.index(after: close)...].split(separator: " ").map(String.init)
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
