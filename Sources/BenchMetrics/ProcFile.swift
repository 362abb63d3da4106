#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads small pseudo-files such as `/proc/self/status`, and parses their text.
enum ProcFile {
    /// The whole file, or `nil` when it cannot be opened (not Linux, or no /proc mounted).
    /// /proc files report size 0, so this reads until EOF instead of trusting `stat`.
    static func read(_ path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = chunk.withUnsafeMutableBytes { systemRead(fd, $0.baseAddress, $0.count) }
            if n > 0 {
                bytes.append(contentsOf: chunk[0..<n])
            } else if n == 0 {
                break
            } else if errno == EINTR {
                continue
            } else {
                return nil
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `VmHWM`, `VmRSS` (bytes) and `Threads` from `/proc/<pid>/status` text; absent fields are `nil`.
    static func parseStatus(_ text: String) -> (peakRSSBytes: Int?, rssBytes: Int?, threads: Int?) {
        var peak: Int?
        var rss: Int?
        var threads: Int?
        for line in text.split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let key = line[..<colon]
            let fields = line[line.index(after: colon)...].split(whereSeparator: { $0 == " " || $0 == "\t" })
            switch key {
            case "VmHWM": peak = kilobytes(fields)
            case "VmRSS": rss = kilobytes(fields)
            case "Threads": threads = fields.first.flatMap { Int($0) }
            default: continue
            }
        }
        return (peak, rss, threads)
    }

    /// `1728 kB` → bytes.
    private static func kilobytes(_ fields: [Substring]) -> Int? {
        guard let n = fields.first.flatMap({ Int($0) }) else { return nil }
        return fields.count > 1 && fields[1] == "kB" ? n * 1024 : n
    }

    /// `num_threads` (field 20) from `/proc/<pid>/stat` text. The command name (field 2) is in
    /// parentheses and may itself contain spaces and parentheses, so fields are counted after the last `)`.
    static func parseStatThreads(_ text: String) -> Int? {
        guard let close = text.lastIndex(of: ")") else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ")
        // fields[0] is field 3 (state), so field 20 is fields[17].
        guard fields.count > 17 else { return nil }
        return Int(fields[17])
    }
}

// `ProcFile.read(_:)` shadows the C `read` inside the enum; this reaches it from outside.
@inline(__always)
private func systemRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
    read(fd, buffer, count)
}
