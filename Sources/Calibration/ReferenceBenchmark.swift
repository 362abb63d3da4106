import Foundation
import POSIX
import RedisConnection

/// One `redis-benchmark` run, the reference load every client figure is divided by.
public struct ReferenceResult: Sendable, Hashable {
    /// Requests per second.
    public var requestsPerSecond: Double
    /// Median latency, µs (redis-benchmark reports ms with 3 decimals, so the resolution is 1 µs... or 8 µs
    /// in its HDR buckets at these values).
    public var p50Us: Double
    /// Mean latency, µs.
    public var meanUs: Double
    /// redis-benchmark's own CPU (user + system) over its whole run, start-up included, seconds; `nil`
    /// when not measured (a result parsed from text alone).
    public var cpuS: Double? = nil
    /// Requests the run sent (`-n`); 0 when not known.
    public var requests: Int = 0

    /// redis-benchmark's CPU per request, µs: what a C client spends on one command of this load.
    public var cpuPerRequestUs: Double? {
        guard let cpuS, requests > 0 else { return nil }
        return cpuS * 1_000_000 / Double(requests)
    }
}

/// Why `redis-benchmark` could not give a figure.
public struct ReferenceError: Error, CustomStringConvertible, Sendable {
    /// What failed and what to do.
    public var description: String
}

/// Runs `redis-benchmark` against an endpoint and reads its `--csv` line.
public enum ReferenceBenchmark {
    /// Locates `redis-benchmark` on PATH.
    public static func locate() throws(ReferenceError) -> String {
        if let found = ExecutableSearch.find("redis-benchmark") { return found }
        throw ReferenceError(description: "redis-benchmark not found on PATH: install it with Scripts/bootstrap (apt package redis-tools)")
    }

    /// Runs `redis-benchmark -c clients -P pipeline -n requests <command...>` and parses the result.
    ///
    /// The password, if any, goes through the `REDISCLI_AUTH` environment variable, never argv. With
    /// `tls`, redis-benchmark speaks TLS with the same CA, client certificate and name as the client.
    public static func run(
        executable: String, endpoint: Endpoint, clients: Int, pipeline: Int, requests: Int,
        keyspace: Int?, command: [String], password: String? = nil, db: Int = 0, tls: TLSOptions? = nil
    ) throws(ReferenceError) -> ReferenceResult {
        var arguments: [String]
        switch endpoint {
        case .tcp(let host, let port): arguments = ["-h", host, "-p", String(port)]
        case .unix(let path): arguments = ["-s", path]
        }
        arguments += ["-c", String(clients), "-P", String(pipeline), "-n", String(requests), "--csv"]
        if db != 0 { arguments += ["--dbnum", String(db)] }
        if let keyspace { arguments += ["-r", String(keyspace)] }
        if let tls { arguments += tlsArguments(tls) }
        arguments += command
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        var environment = ["PATH": ExecutableSearch.searchPath]
        if let password { environment["REDISCLI_AUTH"] = password }
        process.environment = environment
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        // Foundation reaps the child (waitpid on its pid) before `waitUntilExit` returns, so the
        // children's CPU grows by this run's, and only by it (see `ReapedChildrenCPU`).
        let cpuBefore = ReapedChildrenCPU.micros()
        do {
            try process.run()
        } catch {
            throw ReferenceError(description: "cannot start \(executable): \(error.localizedDescription)")
        }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let errorText = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let cpuMicros = ReapedChildrenCPU.micros() - cpuBefore
        let text = String(decoding: data, as: UTF8.self)
        guard process.terminationStatus == 0 else {
            throw ReferenceError(description: "redis-benchmark exited \(process.terminationStatus): \(errorText.prefix(300))")
        }
        var result = try parseCSV(text)
        result.cpuS = Double(cpuMicros) / 1_000_000
        result.requests = requests
        return result
    }

    /// redis-benchmark's TLS flags for `tls`: paths and a name only, nothing secret.
    static func tlsArguments(_ tls: TLSOptions) -> [String] {
        var arguments = ["--tls"]
        if tls.insecure { return arguments + ["--insecure"] }
        if let caFile = tls.caFile { arguments += ["--cacert", caFile] }
        if let certFile = tls.certFile { arguments += ["--cert", certFile, "--key", tls.keyFile ?? certFile] }
        if let serverName = tls.serverName { arguments += ["--sni", serverName] }
        return arguments
    }

    /// Reads the last data line of redis-benchmark's `--csv` output:
    /// `"test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms",...`.
    public static func parseCSV(_ text: String) throws(ReferenceError) -> ReferenceResult {
        let lines = text.split(whereSeparator: \.isNewline).map(String.init)
        guard let header = lines.first(where: { $0.contains("\"rps\"") }),
              let row = lines.last(where: { !$0.contains("\"rps\"") && $0.hasPrefix("\"") }) else {
            throw ReferenceError(description: "unexpected redis-benchmark output: \(text.prefix(300))")
        }
        func fields(_ line: String) -> [String] {
            // Field values never contain commas except inside the quoted test name, which comes first.
            var result: [String] = []
            var current = ""
            var quoted = false
            for ch in line {
                if ch == "\"" { quoted.toggle(); continue }
                if ch == "," && !quoted { result.append(current); current = ""; continue }
                current.append(ch)
            }
            result.append(current)
            return result
        }
        let names = fields(header)
        let values = fields(row)
        func value(_ name: String) -> Double? {
            guard let i = names.firstIndex(of: name), i < values.count else { return nil }
            return Double(values[i])
        }
        guard let rps = value("rps"), let p50 = value("p50_latency_ms"), let mean = value("avg_latency_ms") else {
            throw ReferenceError(description: "redis-benchmark CSV lacks rps/p50/avg: \(text.prefix(300))")
        }
        return ReferenceResult(requestsPerSecond: rps, p50Us: p50 * 1000, meanUs: mean * 1000)
    }
}
