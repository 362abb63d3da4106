import Foundation

/// A process a chaos run started, seen once while it lived: its pid and start time, so a later check
/// cannot be fooled by the kernel handing the same pid to someone else's process.
public struct TrackedProcess: Sendable, Hashable, CustomStringConvertible {
    /// The pid.
    public var pid: Int32
    /// Field 22 of /proc/<pid>/stat when it was seen (`nil` if it was already gone).
    public var startTime: String?

    /// Sees `pid` now.
    public init(pid: Int32) {
        self.pid = pid
        self.startTime = Self.statFields(pid).flatMap { $0.count > 19 ? $0[19] : nil }
    }

    /// True while that same process exists, zombie included: a zombie means nobody reaped it.
    public var isAlive: Bool {
        guard let startTime, let fields = Self.statFields(pid), fields.count > 19 else { return false }
        return fields[19] == startTime
    }

    /// `pid 123 (S)`, or `pid 123 (gone)`.
    public var description: String { "pid \(pid) (\(isAlive ? Self.statFields(pid)?.first ?? "?" : "gone"))" }

    /// The fields after the command name (which may itself hold spaces and parentheses).
    static func statFields(_ pid: Int32) -> [String]? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = text.lastIndex(of: ")") else { return nil }
        return text[text.index(after: close)...].split(separator: " ").map(String.init)
    }
}
