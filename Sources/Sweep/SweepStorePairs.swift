import Harness
import LoadDriver
import Locks
import RedisConnection

/// Which cells of a grid with stores are not cells at all: an algorithm paired with a target of
/// another store (`zk-recipe` on Redis), or hiredis on a consensus store (whose runs use lockbench's own
/// client). The cross product of `--target` and `--algorithm` drops them without a note; a value left
/// with no partner in any cell is a mistake and is refused.
enum SweepStorePairs {
    /// The store a cell locks on, and the store its algorithm runs on.
    static func stores(of values: SweepCellValues, base: ScenarioSettings) -> (target: LockStoreKind, algorithm: LockStoreKind) {
        var settings = base
        if let text = values.values[.target], let target = TargetChoice(parsing: text) { settings.target = target }
        let target = (try? settings.targetStore()) ?? settings.target.store
        let algorithm = values.values[.algorithm].flatMap(LockAlgorithmKind.init(rawValue:)) ?? base.algorithm ?? target.defaultAlgorithm
        return (target, algorithm.store)
    }

    /// Whether the cell pairs things that never go together.
    static func isMismatch(_ values: SweepCellValues, base: ScenarioSettings) -> Bool {
        let (target, algorithm) = stores(of: values, base: base)
        if target != algorithm { return true }
        return target != .redis && values.values[.client] == RedisClientKind.hiredis.rawValue
    }

    /// Refuses an `--algorithm` or `--target` value whose every cell is a mismatch.
    static func checkPartners(_ grid: SweepGrid, base: ScenarioSettings) throws(SweepGridError) {
        let cells = grid.cells
        for value in grid.axes[.algorithm] ?? [] {
            guard let kind = LockAlgorithmKind(rawValue: value) else { continue }
            let containing = cells.filter { $0.values[.algorithm] == value }
            if !containing.isEmpty, containing.allSatisfy({ stores(of: $0, base: base).target != kind.store }) {
                let targets = kind.store == .redis ? "redis" : "\(kind.store) or \(kind.store):3"
                throw SweepGridError("--algorithm '\(value)' runs on \(kind.store.displayName), and no --target of this sweep is \(kind.store.displayName): add \(targets) to --target, or drop \(value).")
            }
        }
        for value in grid.axes[.target] ?? [] {
            guard let target = TargetChoice(parsing: value) else { continue }
            let containing = cells.filter { $0.values[.target] == value }
            if !containing.isEmpty, containing.allSatisfy({ isMismatch($0, base: base) }) {
                let algorithms = LockAlgorithmKind.allCases.filter { $0.store == target.store }.map(\.rawValue).joined(separator: " or ")
                throw SweepGridError("--target '\(value)' has no algorithm of its store in --algorithm: add \(algorithms), or drop \(value).")
            }
        }
    }
}
