import POSIX

/// A process a chaos run started, seen once while it lived: its pid and start time, so a later check
/// cannot be fooled by the kernel handing the same pid to someone else's process.
public struct TrackedProcess: Sendable, Hashable, CustomStringConvertible {
    public var pid: Int32
    /// `starttime` from /proc/<pid>/stat when it was seen (`nil` if it was already gone).
    public var startTime: UInt64?

    /// Sees `pid` now.
    public init(pid: Int32) {
        self.pid = pid
        self.startTime = ProcFS.stat(pid)?.startTime
    }

    /// True while that same process exists, zombie included: a zombie means nobody reaped it.
    public var isAlive: Bool {
        guard let startTime, let stat = ProcFS.stat(pid) else { return false }
        return stat.startTime == startTime
    }

    /// `pid 123 (S)`, or `pid 123 (gone)`.
    public var description: String {
        guard isAlive, let stat = ProcFS.stat(pid) else { return "pid \(pid) (gone)" }
        return "pid \(pid) (\(stat.state))"
    }
}
