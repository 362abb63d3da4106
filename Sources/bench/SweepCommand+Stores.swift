import Foundation
import Harness
import Locks

extension SweepCommand {
    /// The algorithm axis when none is given: `--algorithm`'s scenario default, else each target's store's
    /// default algorithm.
    static func defaultAlgorithms(_ defaults: ScenarioOptions, targets: String?) -> String {
        if let algorithm = defaults.algorithm { return algorithm.rawValue }
        // Without the axis, the store the scenario flags name (`--etcd URL` included).
        let stores = targets.map { list in list.split(separator: ",").map { TargetChoice(parsing: $0.trimmingCharacters(in: .whitespaces))?.store ?? .redis } }
            ?? [(try? defaults.settings.targetStore()) ?? .redis]
        var names: [String] = []
        for store in stores where !names.contains(store.defaultAlgorithm.rawValue) { names.append(store.defaultAlgorithm.rawValue) }
        return names.joined(separator: ",")
    }

    /// Whether every algorithm of the list runs on Redis (a grid that keeps the `backoff` wait default).
    static func allRedis(_ algorithms: String) -> Bool {
        algorithms.split(separator: ",").allSatisfy { LockAlgorithmKind(rawValue: $0.trimmingCharacters(in: .whitespaces))?.store ?? .redis == .redis }
    }
}
