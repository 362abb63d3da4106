import Foundation

/// Where and when a run happened, and from which code: printed into every output so a row can be
/// traced back and reproduced.
public struct RunIdentity: Codable, Sendable, Hashable {
    /// Short unique id, e.g. `20260411-153012-7f3a` (UTC time, then 16 random bits): sorts by time and
    /// stays unique when several machines start in the same second.
    public var runID: String
    /// Start time, ISO-8601 UTC (`2026-04-11T15:30:12Z`).
    public var time: String
    /// `git rev-parse --short HEAD` of the working directory, or `unknown`.
    public var gitSHA: String
    /// Host name.
    public var host: String
    /// Active processor cores.
    public var cores: Int
    /// Operating system, e.g. `Ubuntu 24.04.1 LTS (Linux 6.8.0-45-generic)`.
    public var os: String
    /// The Swift compiler the harness was built with, e.g. `6.3`.
    public var swiftVersion: String
    /// `redis_version` of the server(s), set by the caller once connected (`unknown` until then).
    public var redisVersion: String

    public init(
        runID: String, time: String, gitSHA: String, host: String, cores: Int, os: String,
        swiftVersion: String, redisVersion: String
    ) {
        self.runID = runID
        self.time = time
        self.gitSHA = gitSHA
        self.host = host
        self.cores = cores
        self.os = os
        self.swiftVersion = swiftVersion
        self.redisVersion = redisVersion
    }

    /// Gathers this machine's identity with a fresh run id. Runs `git` once (a few ms; `unknown` when
    /// git or a repository is missing).
    public static func current(redisVersion: String = "unknown", now: Date = Date()) -> RunIdentity {
        RunIdentity(
            runID: makeRunID(now: now), time: iso8601(now), gitSHA: gitShortSHA() ?? "unknown",
            host: hostName(), cores: ProcessInfo.processInfo.activeProcessorCount, os: operatingSystem(),
            swiftVersion: compilerVersion, redisVersion: redisVersion
        )
    }

    /// `yyyyMMdd-HHmmss-xxxx` in UTC with 4 random hex digits.
    public static func makeRunID(now: Date = Date()) -> String {
        let stamp = iso8601(now).filter { $0.isNumber || $0 == "T" }.replacingOccurrences(of: "T", with: "-")
        let suffix = String(UInt16.random(in: .min ... .max), radix: 16)
        return "\(stamp)-\(String(repeating: "0", count: 4 - suffix.count))\(suffix)"
    }

    static func iso8601(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }

    static func hostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "unknown" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    static func operatingSystem() -> String {
        var name = utsname()
        uname(&name)
        func field<T>(_ value: T) -> String {
            withUnsafeBytes(of: value) { raw in String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self) }
        }
        let kernel = "\(field(name.sysname)) \(field(name.release))"
        guard let release = try? String(contentsOfFile: "/etc/os-release", encoding: .utf8) else { return kernel }
        for line in release.split(separator: "\n") where line.hasPrefix("PRETTY_NAME=") {
            let pretty = line.dropFirst("PRETTY_NAME=".count).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            return "\(pretty) (\(kernel))"
        }
        return kernel
    }

    static func gitShortSHA() -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "rev-parse", "--short", "HEAD"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            return nil
        }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        let sha = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return sha.isEmpty ? nil : sha
    }

    // Decided at compile time: asking `swift --version` at run time would need a toolchain on the
    // machine that runs the benchmark, which a copied binary does not have.
    static var compilerVersion: String {
        #if compiler(>=6.4)
        return ">=6.4"
        #elseif compiler(>=6.3)
        return "6.3"
        #elseif compiler(>=6.2)
        return "6.2"
        #elseif compiler(>=6.1)
        return "6.1"
        #else
        return "6.0"
        #endif
    }
}
