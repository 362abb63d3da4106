import Foundation
import LoadDriver

/// Several results of one invocation (`--client both`) and, for two clients, their ratio.
public struct RunComparison: Codable, Sendable {
    /// The results, in the order they ran.
    public var results: [RunResult]
    /// The first result's figures over the second's, when they are the same scenario on two clients.
    public var ratio: ClientRatio?

    /// A comparison of `results`; the ratio is computed when there are exactly two comparable ones.
    public init(results: [RunResult]) {
        self.results = results
        ratio = results.count == 2 ? ClientRatio(results[0], over: results[1]) : nil
    }
}

/// `--json FILE`: pretty-printed, keys sorted (so two files diff cleanly), the full scenario and every
/// figure including the raw histograms. One result is written as a `RunResult` object; several as a
/// `RunComparison`.
public enum JSONReportWriter {
    /// Throws unless `path` can be written. Call before the run.
    public static func preflight(path: String) throws(ReportFileError) {
        try OutputFile.checkWritableFile(path, flag: "--json")
    }

    static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // Every figure is meant to be finite or absent; this keeps one stray NaN from losing a whole
        // run's output at the end.
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return encoder
    }

    static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return decoder
    }

    /// The JSON text for `results`.
    public static func encode(_ results: [RunResult]) throws(ReportFileError) -> Data {
        // A grant log runs to a row per acquisition: it has its own file (`GrantLogFile`).
        let results = results.map { result in
            var result = result
            result.grants = nil
            return result
        }
        do {
            if results.count == 1 { return try encoder().encode(results[0]) }
            return try encoder().encode(RunComparison(results: results))
        } catch {
            throw ReportFileError(.encoding, path: "", message: "cannot encode the results as JSON: \(error)")
        }
    }

    /// Writes `results` to `path`, replacing it.
    public static func write(_ results: [RunResult], to path: String) throws(ReportFileError) {
        try preflight(path: path)
        var data = try encode(results)
        data.append(UInt8(ascii: "\n"))
        try OutputFile.replace(String(decoding: data, as: UTF8.self), at: path)
    }

    /// The results in a file `write` produced (either shape).
    public static func decode(_ data: Data) throws(ReportFileError) -> [RunResult] {
        let decoder = decoder()
        if let comparison = try? decoder.decode(RunComparison.self, from: data) { return comparison.results }
        do {
            return [try decoder.decode(RunResult.self, from: data)]
        } catch {
            throw ReportFileError(.invalidContent, path: "", message: "not a lockbench JSON result: \(error)")
        }
    }
}
