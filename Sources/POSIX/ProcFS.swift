#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reading Linux's `/proc`: whole pseudo-files, and the two this project parses.
public enum ProcFS {
    /// The whole file, or `nil` when it cannot be opened (not Linux, no /proc mounted, or the process is
    /// gone). /proc files report size 0, so this reads until EOF instead of trusting `stat`.
    public static func read(_ path: String) -> String? {
        guard case .success(let fd) = retryingEINTR({ open(path, O_RDONLY | O_CLOEXEC) }) else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let result = chunk.withUnsafeMutableBytes { raw in retryingEINTR { systemRead(fd, raw.baseAddress, raw.count) } }
            switch result {
            case .success(0): return String(decoding: bytes, as: UTF8.self)
            case .success(let n): bytes.append(contentsOf: chunk[0..<n])
            case .failure: return nil
            }
        }
    }

    /// Writes `text` in one `write(2)`, as a /proc control file needs (a command split across writes
    /// is two commands); false when it cannot be opened or the kernel took less than all of it.
    @discardableResult
    public static func write(_ text: String, to path: String) -> Bool {
        guard case .success(let fd) = retryingEINTR({ open(path, O_WRONLY | O_CLOEXEC) }) else { return false }
        defer { close(fd) }
        let bytes = Array(text.utf8)
        let result = bytes.withUnsafeBytes { raw in retryingEINTR { systemWrite(fd, raw.baseAddress, raw.count) } }
        return (try? result.get()) == bytes.count
    }

    /// `/proc/<pid>/stat` of `pid` (or of this process), parsed; `nil` when it is gone.
    public static func stat(_ pid: Int32? = nil) -> ProcStat? {
        read("/proc/\(pid.map(String.init) ?? "self")/stat").flatMap(ProcStat.init(parsing:))
    }

    /// The pids whose parent is `parent` now (every pid directory under /proc, filtered by field 4).
    public static func children(of parent: Int32) -> [Int32] {
        guard let directory = opendir("/proc") else { return [] }
        defer { closedir(directory) }
        var pids: [Int32] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if let pid = Int32(name), stat(pid)?.parentPID == parent { pids.append(pid) }
        }
        return pids
    }

    /// `/proc/<pid>/status` of `pid` (or of this process), parsed; `nil` when it is gone.
    public static func status(_ pid: Int32? = nil) -> ProcStatus? {
        read("/proc/\(pid.map(String.init) ?? "self")/status").map(ProcStatus.init(parsing:))
    }
}

/// The fields of a `/proc/<pid>/stat` line this project reads.
///
/// The command name (field 2) is in parentheses and may itself hold spaces and parentheses, so the
/// fields are counted after the *last* `)`.
public struct ProcStat: Sendable, Hashable {
    /// Fields 3 onwards, as text: `fields[0]` is field 3 (the state letter).
    public var fields: [Substring]

    /// `nil` when `text` has no parenthesised command name or too few fields.
    public init?(parsing text: String) {
        guard let close = text.lastIndex(of: ")") else { return nil }
        fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 19 else { return nil }
    }

    /// Field 3: `R` running, `S` sleeping, `T` stopped, `Z` zombie, ….
    public var state: Character { fields[0].first ?? "?" }

    /// Field 4.
    public var parentPID: Int32? { Int32(fields[1]) }

    /// Field 20, `num_threads`.
    public var threads: Int? { Int(fields[17]) }

    /// Fields 14 and 15, `utime` + `stime`, in seconds: the CPU a process used so far (for servers
    /// that report none themselves, such as ZooKeeper's JVM).
    public var cpuSeconds: Double? {
        guard let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// Field 22, `starttime` in clock ticks since boot: with the pid, it names one process for its
    /// whole life, since the kernel may hand a freed pid to another process.
    public var startTime: UInt64? { UInt64(fields[19]) }
}

/// The fields of `/proc/<pid>/status` this project reads; a field the kernel does not report is `nil`.
public struct ProcStatus: Sendable, Hashable {
    /// `VmHWM`: peak resident set size, bytes.
    public var peakRSSBytes: Int?
    /// `VmRSS`: resident set size now, bytes.
    public var rssBytes: Int?
    public var threads: Int?

    /// Parses `Key:\tvalue [kB]` lines; unknown keys are skipped.
    public init(parsing text: String) {
        for line in text.split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let key = line[..<colon]
            let fields = line[line.index(after: colon)...].split(whereSeparator: { $0 == " " || $0 == "\t" })
            switch key {
            case "VmHWM": peakRSSBytes = Self.bytes(fields)
            case "VmRSS": rssBytes = Self.bytes(fields)
            case "Threads": threads = fields.first.flatMap { Int($0) }
            default: continue
            }
        }
    }

    /// `1728 kB` → bytes.
    private static func bytes(_ fields: [Substring]) -> Int? {
        guard let n = fields.first.flatMap({ Int($0) }) else { return nil }
        return fields.count > 1 && fields[1] == "kB" ? n * 1024 : n
    }
}

// `ProcFS.read(_:)` and `write(_:to:)` shadow the C calls inside the enum; these reach them from outside.
@inline(__always)
private func systemRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
    read(fd, buffer, count)
}

@inline(__always)
private func systemWrite(_ fd: Int32, _ buffer: UnsafeRawPointer?, _ count: Int) -> Int {
    write(fd, buffer, count)
}
