/// The grid of a sweep: for each axis given, its values; every combination is one cell.
///
/// Values stay text here: each cell becomes `bench run` flags and is validated by the same code that
/// validates `bench run`, so a sweep accepts exactly what a run accepts and says so in the same words.
public struct SweepGrid: Sendable, Hashable {
    /// The axes given, in `SweepAxis.nesting` order, each with its values in the order given.
    public private(set) var axes: [SweepAxis: [String]]

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
                let expanded = axis == .client && value == "both" ? ["native", "hiredis"] : [value]
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

    private static func example(_ axis: SweepAxis) -> String {
        switch axis {
        case .algorithm: return "setnx-px,redlock"
        case .wait: return "backoff,pubsub,fifo"
        case .client: return "native,hiredis"
        case .hold, .think: return "1ms,5ms"
        case .ttl: return "1s,10s"
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

    /// The `bench run` flags for this cell, after `base` (so a cell's value wins over any base value).
    /// `contention` becomes `--keys ⌈contenders ÷ contention⌉`, with `defaultContenders` when the cell
    /// does not set the contenders.
    public func arguments(base: [String], defaultContenders: Int) -> [String] {
        var arguments = base
        for axis in SweepAxis.nesting {
            guard let value = values[axis] else { continue }
            if axis == .contention {
                let contenders = values[.contenders].flatMap { Int($0) } ?? defaultContenders
                let perKey = max(1, Int(value) ?? 1)
                arguments.append("--keys=\(max(1, (contenders + perKey - 1) / perKey))")
            } else {
                // `--flag=value`, so a value starting with `-` is not read as another flag.
                arguments.append("\(axis.flag)=\(value)")
            }
        }
        return arguments
    }

    /// A short label, e.g. `redlock/backoff native contenders=100`: the strategy and client, then the
    /// other axes in `shown`.
    public func label(showing shown: [SweepAxis]) -> String {
        var parts: [String] = []
        let strategy = [values[.algorithm], values[.wait]].compactMap { $0 }.joined(separator: "/")
        if !strategy.isEmpty { parts.append(strategy) }
        if let client = values[.client] { parts.append(client) }
        for axis in SweepAxis.nesting where ![.algorithm, .wait, .client].contains(axis) && shown.contains(axis) {
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
