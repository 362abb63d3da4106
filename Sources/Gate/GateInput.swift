import Foundation
import LoadDriver
import Reports

/// What `--current FILE` held.
public enum GateInput: Sendable {
    /// A gate measurement (or a baseline, read as one): interleaved rounds with their reference, so
    /// every gate applies.
    case measurement(GateMeasurement)
    /// Plain result rows (`bench run --json` / `--csv`, a sweep CSV): enough for the hard gates only,
    /// since they carry no reference measured beside them. Each with a label naming its row.
    case rows([(label: String, figures: RunFigures)])
}

/// A `--current` file that could not be read as any of the shapes the gate accepts.
public struct GateInputError: Error, Sendable, CustomStringConvertible {
    /// What is wrong with which file.
    public var description: String

    /// An error saying `description`.
    public init(_ description: String) { self.description = description }
}

extension GateInput {
    /// Reads `path`: JSON (a gate measurement, a baseline, or `bench run --json`) or a summary CSV.
    public static func load(path: String) throws(GateInputError) -> GateInput {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw GateInputError("cannot read \(path): no such file or not readable")
        }
        let text = String(decoding: data, as: UTF8.self)
        if text.drop(while: \.isWhitespace).first == "{" {
            return try json(data, path: path)
        }
        return try csv(text, path: path)
    }

    static func json(_ data: Data, path: String) throws(GateInputError) -> GateInput {
        struct Header: Decodable { var format: String? }
        let decoder = GateFiles.decoder()
        let format = (try? decoder.decode(Header.self, from: data))?.format
        do {
            switch format {
            case GateMeasurement.formatName?:
                return .measurement(try decoder.decode(GateMeasurement.self, from: data))
            case GateBaseline.formatName?:
                let baseline = try decoder.decode(GateBaseline.self, from: data)
                return .measurement(GateMeasurement(
                    identity: baseline.identity, build: baseline.build, command: baseline.command, injectedDelayUs: 0,
                    scenarios: baseline.scenarios.map(\.samples)))
            case let other?:
                throw GateInputError("\(path): unknown format '\(other)'")
            case nil:
                let results = try JSONReportWriter.decode(data)
                return .rows(results.enumerated().map { index, result in
                    ("\(path.split(separator: "/").last ?? "")#\(index + 1)", RunFigures(result))
                })
            }
        } catch let error as GateInputError {
            throw error
        } catch {
            throw GateInputError("\(path) is not a gate measurement, a baseline or a bench run JSON file: \(error)")
        }
    }

    static func csv(_ text: String, path: String) throws(GateInputError) -> GateInput {
        let records: [[String]]
        do { records = try CSVText.parse(text) } catch {
            throw GateInputError("\(path): not JSON, and not CSV either (\(error))")
        }
        guard let header = records.first, records.count > 1 else {
            throw GateInputError("\(path): no result rows (expected a bench run --csv file with a header and rows)")
        }
        let required = ["client", "algorithm", "hold", "ttl_ms", "acquisitions", "acquisitions_per_s", "errors", "mutex_violations"]
        let missing = required.filter { !header.contains($0) }
        guard missing.isEmpty else {
            throw GateInputError("\(path): missing column(s) \(missing.joined(separator: ", ")); expected a bench run --csv summary file")
        }
        var rows: [(String, RunFigures)] = []
        for (index, record) in records.dropFirst().enumerated() where record != [""] {
            var fields: [String: String] = [:]
            for (name, value) in zip(header, record) { fields[name] = value }
            let label = "\(path.split(separator: "/").last ?? "") row \(index + 1)"
            rows.append((label, try figures(fields, label: label)))
        }
        return .rows(rows)
    }

    static func figures(_ f: [String: String], label: String) throws(GateInputError) -> RunFigures {
        func int(_ name: String) -> Int { Int(f[name] ?? "") ?? 0 }
        func optionalInt(_ name: String) -> Int? { Int(f[name] ?? "") }
        func double(_ name: String) -> Double? { Double(f[name] ?? "") }
        let hold: TimeDistribution
        do { hold = try TimeDistribution(parsing: f["hold"] ?? "") } catch {
            throw GateInputError("\(label): hold '\(f["hold"] ?? "")': \(error)")
        }
        let error = f["error"].flatMap { $0.isEmpty ? nil : $0 }
        return RunFigures(
            client: f["client"] ?? "", algorithm: f["algorithm"] ?? "", holdMaxUs: hold.maxUs, ttlMs: int("ttl_ms"),
            acquisitions: int("acquisitions"), acquisitionsPerSecond: double("acquisitions_per_s") ?? 0,
            acquireP50Us: double("acquire_p50_us"), acquireP99Us: double("acquire_p99_us"), jain: double("jain"),
            failedAcquires: int("failed_acquires"), errors: int("errors"), mutexViolations: int("mutex_violations"),
            doubleGrants: int("double_grants"), wrongOwnerDeletes: int("wrong_owner_deletes"),
            staleWritesRejected: int("stale_writes_rejected"), redlockAttempts: optionalInt("redlock_attempts"),
            ttlOverruns: optionalInt("ttl_overruns"), partial: f["partial"] == "true", error: error)
    }
}

/// JSON encoding shared by the gate's files: sorted keys so two baselines diff cleanly.
public enum GateFiles {
    /// The encoder for baselines and measurements.
    public static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return encoder
    }

    /// The matching decoder.
    public static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return decoder
    }

    /// Reads a baseline file.
    public static func readBaseline(path: String) throws(GateInputError) -> GateBaseline {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw GateInputError("no baseline at \(path): measure one with `bench gate --update-baseline --baseline \(path)`")
        }
        do { return try decoder().decode(GateBaseline.self, from: data) } catch {
            throw GateInputError("\(path) is not a lockbench gate baseline (\(GateBaseline.formatName)): \(error)")
        }
    }

    /// Writes `value` as JSON to `path`, replacing it.
    public static func write<T: Encodable>(_ value: T, to path: String) throws(GateInputError) {
        do {
            var data = try encoder().encode(value)
            data.append(UInt8(ascii: "\n"))
            try data.write(to: URL(fileURLWithPath: path))
        } catch {
            throw GateInputError("cannot write \(path): \(error.localizedDescription)")
        }
    }
}
