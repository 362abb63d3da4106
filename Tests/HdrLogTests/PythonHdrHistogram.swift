import Foundation

/// The Python `hdrhistogram` package (PyPI), HdrHistogram's own Python port, in a venv under `.build/`
/// made on first use: the independent reader the interop test checks our `.hlog` against.
/// Setting up fails the test with the step that failed; it never skips.
enum PythonHdrHistogram {
    struct SetupFailure: Error, CustomStringConvertible {
        var step: String
        var output: String
        var description: String {
            "\(step) failed: \(output)\nThe .hlog interop test needs python3 with venv (Scripts/bootstrap installs python3-venv) and pip access to PyPI (package hdrhistogram)."
        }
    }

    static let venv: URL = {
        // Tests/HdrLogTests/<this file> → the package root → .build, kept between runs so pip runs once.
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return root.appendingPathComponent(".build/hdrh-venv")
    }()

    /// The venv's python, with `hdrh` importable.
    static func python() throws -> String {
        let python = venv.appendingPathComponent("bin/python").path
        if (try? run(python, ["-c", "import hdrh.log"])) != nil { return python }
        try run("/usr/bin/env", ["python3", "-m", "venv", "--clear", venv.path], step: "python3 -m venv \(venv.path)")
        try run(python, ["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "hdrhistogram"], step: "pip install hdrhistogram")
        try run(python, ["-c", "import hdrh.log"], step: "import hdrh.log")
        return python
    }

    /// Reads `log` with `hdrh.log.HistogramLogReader` and returns, per tag, the total count, min, max,
    /// percentiles and non-empty buckets (lowest equivalent value → count) of all its intervals added.
    static func summarize(log: URL) throws -> [String: Summary] {
        let script = """
        import json, sys
        from hdrh.histogram import HdrHistogram
        from hdrh.log import HistogramLogReader
        reader = HistogramLogReader(sys.argv[1], HdrHistogram(1, 2, 3))
        out = {}
        while True:
            h = reader.get_next_interval_histogram()
            if h is None:
                break
            tag = h.get_tag() or ""
            s = out.setdefault(tag, {"acc": HdrHistogram(1, 2**62, 3), "intervals": 0})
            s["acc"].add(h)
            s["intervals"] += 1
        result = {}
        for tag, s in out.items():
            acc = s["acc"]
            buckets = {}
            for v in acc.get_recorded_iterator():
                buckets[str(acc.get_lowest_equivalent_value(v.value_iterated_to))] = v.count_at_value_iterated_to
            result[tag] = {
                "intervals": s["intervals"], "count": acc.get_total_count(),
                "min": acc.get_min_value(), "max": acc.get_max_value(),
                "p50": acc.get_value_at_percentile(50), "p90": acc.get_value_at_percentile(90),
                "p99": acc.get_value_at_percentile(99), "p999": acc.get_value_at_percentile(99.9),
                "buckets": buckets,
            }
        print(json.dumps(result))
        """
        let output = try run(try python(), ["-c", script, log.path], step: "hdrh reading \(log.path)")
        return try JSONDecoder().decode([String: Summary].self, from: Data(output.utf8))
    }

    struct Summary: Decodable {
        var intervals: Int
        var count: UInt64
        var min: UInt64
        var max: UInt64
        var p50: UInt64
        var p90: UInt64
        var p99: UInt64
        var p999: UInt64
        var buckets: [String: UInt64]
    }

    @discardableResult
    static func run(_ executable: String, _ arguments: [String], step: String? = nil) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        do { try process.run() } catch {
            throw SetupFailure(step: step ?? executable, output: "\(error)")
        }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        guard process.terminationStatus == 0 else {
            throw SetupFailure(step: step ?? executable, output: "exit \(process.terminationStatus): \(text)")
        }
        return text
    }
}
