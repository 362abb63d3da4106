/// Which key each acquisition locks (`--key-dist`). `fixed` is the historical layout (contender i always
/// locks key i mod keys: perfectly even contention); the others draw a key per acquisition, so hot keys
/// (and, on a cluster, hot shards) appear as production traffic makes them.
public enum KeyDistribution: Sendable, Hashable, CustomStringConvertible {
    /// Contender i always locks key i mod keys.
    case fixed
    /// Every acquisition draws a key with equal probability.
    case uniform
    /// Key k (0-based) drawn with probability ∝ 1/(k+1)^θ, 0 < θ < 1 (YCSB's ZipfianGenerator; YCSB's
    /// default θ is 0.99). Key 0 is the hottest.
    case zipf(theta: Double)
    /// `hotKeysPct`% of the keys (the lowest-numbered ones) receive `hotAccessPct`% of the acquisitions,
    /// uniformly within the hot and the cold set (YCSB's HotspotIntegerGenerator).
    case hotspot(hotKeysPct: Double, hotAccessPct: Double)

    /// YCSB's `zipfianconstant`.
    public static let defaultZipfTheta = 0.99

    /// Whether each acquisition draws its key (everything but `fixed`).
    public var drawsPerAcquisition: Bool { self != .fixed }

    /// The flag syntax that produces this value: `fixed`, `uniform`, `zipf:0.99`, `hotspot:20%/80%`.
    public var description: String {
        switch self {
        case .fixed: return "fixed"
        case .uniform: return "uniform"
        case .zipf(let theta): return "zipf:\(Self.number(theta))"
        case .hotspot(let keys, let accesses): return "hotspot:\(Self.number(keys))%/\(Self.number(accesses))%"
        }
    }

    private static func number(_ x: Double) -> String {
        x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : "\(x)"
    }
}

/// In JSON, the flag's text (`"zipf:0.99"`): readable, and the same string the CSV's `key_dist` holds.
extension KeyDistribution: Codable {
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do { self = try KeyDistribution(parsing: text) } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.description))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

extension KeyDistribution: AbsentSettingDefault {
    /// Results and baselines saved before `--key-dist` existed ran with the fixed layout.
    public static var absentDefault: KeyDistribution { .fixed }
}

/// Why a `--key-dist` value could not be read.
public struct KeyDistributionParseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The text given.
    public var input: String
    /// What is wrong with it.
    public var reason: String
    /// Names the flag, the value, the problem and every accepted form.
    public var description: String {
        "--key-dist '\(input)': \(reason). Use fixed (contender i locks key i mod --keys), uniform, zipf:θ with 0 < θ < 1 "
            + "(e.g. zipf:0.99), or hotspot:P%/Q% with 0 < P < 100 and 0 < Q ≤ 100 (e.g. hotspot:20%/80%: 20% of the keys get 80% of the acquisitions)."
    }
}

extension KeyDistribution {
    /// Parses `fixed`, `uniform`, `zipf` (θ 0.99), `zipf:θ`, `hotspot:P%/Q%` (the `%` signs are optional).
    public init(parsing text: String) throws(KeyDistributionParseError) {
        func fail(_ reason: String) -> KeyDistributionParseError { KeyDistributionParseError(input: text, reason: reason) }
        let parts = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        let name = parts[0].lowercased()
        let argument = parts.count > 1 ? String(parts[1]) : nil
        switch name {
        case "fixed", "uniform":
            guard argument == nil else { throw fail("\(name) takes no parameter") }
            self = name == "fixed" ? .fixed : .uniform
        case "zipf", "zipfian":
            guard let argument else {
                self = .zipf(theta: Self.defaultZipfTheta)
                return
            }
            guard let theta = Double(argument), theta.isFinite else { throw fail("θ '\(argument)' is not a number") }
            guard theta > 0, theta < 1 else { throw fail("θ must be above 0 and below 1 (Gray et al.'s generator needs θ ≠ 1), got \(argument)") }
            self = .zipf(theta: theta)
        case "hotspot":
            guard let argument else { throw fail("hotspot needs P%/Q%") }
            let shares = argument.split(separator: "/", omittingEmptySubsequences: false)
            guard shares.count == 2 else { throw fail("hotspot needs two percentages joined by '/', P%/Q%, got '\(argument)'") }
            let keys = try Self.percent(shares[0], fail)
            let accesses = try Self.percent(shares[1], fail)
            guard keys > 0, keys < 100 else { throw fail("the hot keys' share P must be above 0% and below 100%, got \(shares[0])") }
            guard accesses > 0, accesses <= 100 else { throw fail("the hot keys' share of acquisitions Q must be above 0% and at most 100%, got \(shares[1])") }
            self = .hotspot(hotKeysPct: keys, hotAccessPct: accesses)
        default:
            throw fail("unknown distribution '\(parts[0])'")
        }
    }

    private static func percent(
        _ text: Substring, _ fail: (String) -> KeyDistributionParseError
    ) throws(KeyDistributionParseError) -> Double {
        let digits = text.hasSuffix("%") ? text.dropLast() : text
        guard let value = Double(digits), value.isFinite else { throw fail("'\(text)' is not a percentage") }
        return value
    }
}
