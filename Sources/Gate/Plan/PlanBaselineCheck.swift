import Foundation
import LoadDriver

/// A baseline is only comparable with the scenario it measured: the plan's scenario of the same name
/// must have the same settings, or a later regression check would compare two different workloads.
enum PlanBaselineCheck {
    /// Settings that legitimately differ between runs of one workload: the seed is drawn per run, the
    /// client is set per run.
    static let ignored: Set<String> = ["seed", "client"]

    /// The settings in which `measured` (the baseline's) and `planned` differ, each as
    /// `key (baseline …, plan …)`; empty when they are the same workload.
    static func differences(_ measured: Scenario, _ planned: Scenario) -> [String] {
        let a = fields(measured), b = fields(planned)
        return Set(a.keys).union(b.keys).subtracting(ignored).sorted().compactMap { key in
            a[key] == b[key] ? nil : "\(key) (baseline \(a[key] ?? "-"), plan \(b[key] ?? "-"))"
        }
    }

    /// Every leaf of the scenario as `bench run --json` writes it, by dotted path (`lock.wait.kind`),
    /// so a difference names the one setting rather than a whole nested object.
    static func fields(_ scenario: Scenario) -> [String: String] {
        guard let data = try? JSONEncoder().encode(scenario), let object = try? JSONSerialization.jsonObject(with: data) else { return [:] }
        var result: [String: String] = [:]
        func walk(_ value: Any, _ path: String) {
            if let dictionary = value as? [String: Any] {
                for (key, inner) in dictionary { walk(inner, path.isEmpty ? key : "\(path).\(key)") }
            } else if let array = value as? [Any] {
                result[path] = array.map { "\($0)" }.joined(separator: ",")
            } else {
                result[path] = "\(value)"
            }
        }
        walk(object, "")
        return result
    }
}
