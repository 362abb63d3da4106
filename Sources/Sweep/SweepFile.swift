import Foundation

/// A sweep described in a JSON file (`--file sweep.json`): one object whose keys are `bench sweep`
/// flag names without the dashes. Axis keys take a list or a single value; any other `bench run`
/// scenario flag takes a single value (`server` may take a list; `true` stands for a flag such as
/// `unix`); `repeat`, `slo` and `max-error-rate` set those sweep options. Flags on the command line win
/// over the file.
///
/// ```json
/// { "algorithm": ["setnx-px", "redlock"], "wait": "backoff", "client": ["native", "hiredis"],
///   "contenders": [10, 100, 1000], "duration": "3s", "warmup": "1s", "repeat": 2, "slo": "50ms" }
/// ```
///
/// JSON rather than YAML: Foundation reads it, so the sweep needs no extra dependency, and a JSON file
/// is also valid YAML 1.2 for tools that prefer to write YAML's superset.
public struct SweepFile: Sendable, Hashable {
    /// Axis lists, comma-joined as on the command line.
    public var axes: [SweepAxis: String] = [:]
    /// Other scenario flags as `bench run` arguments.
    public var arguments: [String] = []
    /// `repeat`, if given.
    public var repeats: Int?
    /// `slo`, if given (a duration such as `50ms`).
    public var slo: String?
    /// `max-error-rate`, if given (`0.01` or `1%`).
    public var maxErrorRate: String?

    /// Keys that configure the sweep rather than the scenario.
    static let sweepKeys: Set<String> = ["repeat", "slo", "max-error-rate"]
    /// Keys a file may not set: where output goes is decided where the sweep is started.
    static let outputKeys: Set<String> = ["csv", "contenders-csv", "keys-csv", "timeseries-csv", "hgrm", "json", "knee-csv", "resume", "file", "dry-run"]

    /// Reads and checks `path`.
    public init(path: String) throws(SweepGridError) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SweepGridError("--file '\(path)' cannot be read: check that it exists and is readable.")
        }
        try self.init(json: data, name: path)
    }

    /// Reads a sweep from JSON text; `name` is used in messages.
    public init(json data: Data, name: String) throws(SweepGridError) {
        let object: [String: JSONValue]
        do {
            object = try JSONDecoder().decode([String: JSONValue].self, from: data)
        } catch {
            throw SweepGridError("--file '\(name)' is not a JSON object of flag names to values: \(error)")
        }
        for key in object.keys.sorted() {
            let value = object[key]!
            func bad(_ reason: String) -> SweepGridError { SweepGridError("\(name): '\(key)' \(reason).") }
            if Self.outputKeys.contains(key) { throw bad("is an output option; give it on the command line") }
            if let axis = SweepAxis(rawValue: key) {
                guard let list = value.list else { throw bad("must be a value or a list of values") }
                axes[axis] = list.joined(separator: ",")
                continue
            }
            switch key {
            case "repeat":
                guard case .number(let n) = value, n >= 1, n == n.rounded() else { throw bad("must be a whole number, 1 or more") }
                repeats = Int(n)
            case "slo":
                guard let text = value.scalar else { throw bad("must be a duration such as \"50ms\"") }
                slo = text
            case "max-error-rate":
                guard let text = value.scalar else { throw bad("must be a fraction (0.01) or a percentage (\"1%\")") }
                maxErrorRate = text
            default:
                switch value {
                case .bool(true): arguments.append("--\(key)")
                case .bool(false): break
                case .list(let items) where key == "server":
                    for item in items {
                        guard let text = item.scalar else { throw bad("must be a list of endpoints") }
                        arguments += ["--server", text]
                    }
                case .list: throw bad("is not a sweep axis, so it takes one value (axes: \(SweepAxis.nesting.map(\.rawValue).joined(separator: ", ")))")
                default:
                    guard let text = value.scalar else { throw bad("must be a string, number or boolean") }
                    arguments += ["--\(key)", text]
                }
            }
        }
    }
}

/// A JSON value as a sweep file uses it.
enum JSONValue: Decodable, Sendable, Hashable {
    case bool(Bool)
    case number(Double)
    case string(String)
    case list([JSONValue])
    case other

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let b = try? container.decode(Bool.self) { self = .bool(b) }
        else if let d = try? container.decode(Double.self) { self = .number(d) }
        else if let s = try? container.decode(String.self) { self = .string(s) }
        else if let l = try? container.decode([JSONValue].self) { self = .list(l) }
        else { self = .other }
    }

    /// A scalar as flag text: whole numbers without a decimal point.
    var scalar: String? {
        switch self {
        case .string(let s): return s
        case .number(let d): return d == d.rounded() && abs(d) < 1e15 ? String(Int(d)) : String(d)
        case .bool(let b): return b ? "true" : "false"
        default: return nil
        }
    }

    /// A list of scalars, or a scalar as a list of one.
    var list: [String]? {
        if case .list(let items) = self {
            let scalars = items.compactMap(\.scalar)
            return scalars.count == items.count && !items.isEmpty ? scalars : nil
        }
        return scalar.map { [$0] }
    }
}
