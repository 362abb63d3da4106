import Harness
import LoadDriver
import Locks
import RedisConnection

/// The grid of a sweep: for each axis given, its values; every combination is one cell.
///
/// Values stay text here, as given; each cell sets them, typed, on a copy of the base settings, which
/// the same code that validates `bench run` turns into a scenario, so a sweep accepts exactly what a
/// run accepts and says so in the same words.
public struct SweepGrid: Sendable, Hashable {
    /// The axes given, in `SweepAxis.nesting` order, each with its values in the order given.
    public private(set) var axes: [SweepAxis: [String]]
    /// Whether the clients came from `both`: then a client no cell can use (hiredis when every cell
    /// asks for TLS) is left out with a note, as `bench run --client both --tls` runs native only,
    /// instead of being refused as a value no cell can use.
    public private(set) var clientsFromBoth = false

    /// Contenders per key when neither `--keys` nor `--contention` is given: `bench run`'s default
    /// (400 contenders on 40 keys), kept as the contenders grow so only the load changes.
    public static let defaultContention = "10"

    /// Parses comma lists (`"10,100,1000"`) per axis. Refuses empty items, duplicates, `--keys` with
    /// `--contention`, and contention values that are not whole numbers ≥ 1; anything else about a
    /// value is for the scenario validation to judge.
    public init(lists: [SweepAxis: String]) throws(SweepGridError) {
        var axes: [SweepAxis: [String]] = [:]
        for axis in SweepAxis.nesting {
            guard let list = lists[axis] else { continue }
            var values: [String] = []
            for item in list.split(separator: ",", omittingEmptySubsequences: false) {
                let value = item.trimmingSpaces()
                guard !value.isEmpty else {
                    throw .badValue(axis.flag, list, "it has an empty item; give values separated by commas, e.g. \(Self.example(axis))")
                }
                let expanded = axis == .client && value == "both" ? ["native", "hiredis"] : [Self.normalized(value, of: axis)]
                if axis == .client && value == "both" { clientsFromBoth = true }
                for v in expanded {
                    guard !values.contains(v) else { throw .badValue(axis.flag, list, "'\(v)' is listed twice") }
                    values.append(v)
                }
            }
            if axis == .contention {
                for v in values where Int(v).map({ $0 < 1 }) ?? true {
                    throw .badValue(axis.flag, v, "contenders per key must be a whole number, 1 or more")
                }
            }
            axes[axis] = values
        }
        if axes[.keys] != nil && axes[.contention] != nil {
            throw SweepGridError("--keys and --contention are alternatives: give a fixed key count, or contenders per key.")
        }
        if axes[.keys] == nil && axes[.contention] == nil { axes[.contention] = [Self.defaultContention] }
        self.axes = axes
    }

    /// A sweep file's `"tls": [false, true]` reads as `off,on`.
    private static func normalized(_ value: String, of axis: SweepAxis) -> String {
        guard axis == .tls else { return value }
        return ["true": "on", "false": "off"][value] ?? value
    }

    private static func example(_ axis: SweepAxis) -> String {
        switch axis {
        case .target: return "redis,etcd,etcd:3,zookeeper"
        case .topology: return "standalone,cluster:3x0,sentinel:1x1"
        case .tls: return "off,on"
        case .algorithm: return "setnx-px,redlock"
        case .wait: return "backoff,pubsub,fifo"
        case .client: return "native,hiredis"
        case .hold, .think: return "1ms,5ms"
        case .ttl: return "1s,10s"
        case .keyDist: return "fixed,zipf:0.99,hotspot:20%/80%"
        case .rate: return "1000,2000,4000"
        default: return "1,10,100"
        }
    }

    /// The axes with more than one value: what the cells' labels need to show.
    public var varying: [SweepAxis] { SweepAxis.nesting.filter { (axes[$0]?.count ?? 0) > 1 } }

    /// Every combination, the last axis of `SweepAxis.nesting` varying fastest.
    public var cells: [SweepCellValues] {
        var cells: [SweepCellValues] = [SweepCellValues(values: [:])]
        for axis in SweepAxis.nesting {
            guard let values = axes[axis] else { continue }
            cells = cells.flatMap { cell in
                values.map { value in
                    var next = cell
                    next.values[axis] = value
                    return next
                }
            }
        }
        return cells
    }
}

/// One cell's coordinates: a value per axis given.
public struct SweepCellValues: Sendable, Hashable {
    /// The value of each axis.
    public var values: [SweepAxis: String]

    /// A cell with these values.
    public init(values: [SweepAxis: String]) {
        self.values = values
    }

    /// The cell's settings: `base` with each axis's value set, typed here. `contention` sets the keys
    /// to ⌈contenders ÷ contention⌉; `tls` `on` keeps `base.tls` (the `--cacert`… flags given) or asks
    /// for TLS with the defaults. Returns the client to run (`nil`: the axis was not given).
    public func settings(base: ScenarioSettings) throws(ScenarioSettingsError) -> (ScenarioSettings, RedisClientKind?) {
        var s = base
        var client: RedisClientKind?
        func bad(_ axis: SweepAxis, _ value: String, _ allowed: String) -> ScenarioSettingsError {
            ScenarioSettingsError("\(axis.flag) '\(value)' is invalid: \(allowed).")
        }
        func whole(_ axis: SweepAxis, _ value: String) throws(ScenarioSettingsError) -> Int {
            guard let n = Int(value) else { throw bad(axis, value, "give a whole number") }
            return n
        }
        for axis in SweepAxis.nesting {
            guard let value = values[axis] else { continue }
            switch axis {
            case .target:
                guard let target = TargetChoice(parsing: value) else { throw bad(axis, value, "use \(TargetChoice.forms)") }
                s.target = target
            case .topology:
                guard let topology = TopologyChoice(parsing: value) else { throw bad(axis, value, "use \(TopologyChoice.forms)") }
                s.topology = topology
            case .tls:
                switch value {
                case "off": s.tls = nil
                case "on": s.tls = base.tls ?? TLSOptions()
                default: throw bad(axis, value, "use off or on")
                }
            case .algorithm:
                guard let kind = LockAlgorithmKind(rawValue: value) else {
                    throw bad(axis, value, "use one of \(LockAlgorithmKind.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                s.algorithm = kind
            case .wait:
                guard let kind = WaitStrategy.Kind(rawValue: value) else {
                    throw bad(axis, value, "use one of \(WaitStrategy.Kind.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                s.wait = kind
            case .client:
                guard let kind = RedisClientKind(rawValue: value) else { throw bad(axis, value, "use native, hiredis or both") }
                client = kind
            case .contention: break
            case .keys: s.keys = try whole(axis, value)
            case .keyDist: s.keyDist = value
            case .connections: s.connections = try whole(axis, value)
            case .pipeline: s.pipeline = try whole(axis, value)
            case .contenders: s.contenders = try whole(axis, value)
            case .hold: s.hold = value
            case .think: s.think = value
            case .ttl: s.ttl = value
            case .rate:
                guard let rate = Double(value) else { throw bad(axis, value, "give arrivals per second, e.g. 1000") }
                s.rate = rate
            }
        }
        if let value = values[.contention] {
            let perKey = max(1, Int(value) ?? 1)
            s.keys = max(1, (s.contenders + perKey - 1) / perKey)
        }
        return (s, client)
    }

    /// A short label, e.g. `redlock/backoff native contenders=100`: the strategy and client, then the
    /// other axes in `shown`.
    public func label(showing shown: [SweepAxis]) -> String {
        var parts: [String] = []
        if let target = values[.target], shown.contains(.target) { parts.append(target) }
        if let topology = values[.topology], shown.contains(.topology) { parts.append(topology) }
        let strategy = [values[.algorithm], values[.wait]].compactMap { $0 }.joined(separator: "/")
        if !strategy.isEmpty { parts.append(strategy) }
        if let client = values[.client] { parts.append(client) }
        for axis in SweepAxis.nesting where ![.target, .topology, .algorithm, .wait, .client].contains(axis) && shown.contains(axis) {
            if let value = values[axis] { parts.append("\(axis.rawValue)=\(value)") }
        }
        return parts.isEmpty ? "base scenario" : parts.joined(separator: " ")
    }
}

extension Substring {
    func trimmingSpaces() -> String {
        var s = self
        while let first = s.first, first == " " || first == "\t" { s.removeFirst() }
        while let last = s.last, last == " " || last == "\t" { s.removeLast() }
        return String(s)
    }
}
