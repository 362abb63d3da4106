import Foundation
import Harness
import LoadDriver
import Yams

/// Reads a plan file (YAML, or JSON, which the same parser reads with the same line numbers) into a
/// `UserPlan`, refusing anything `bench run` would refuse, at the line and key at fault.
struct PlanReader {
    let file: String
    /// `--update-baseline`: the baseline file may not exist yet, and its scenarios are being replaced.
    var updatingBaseline = false

    static let topKeys = ["scenarios", "defaults", "repeats", "aggregate", "baseline"]
    /// Keys of a scenario besides the settings: what the plan adds to `bench run`.
    static let planKeys = ["name", "client", "thresholds", "repeats", "aggregate"]

    func error(_ node: Node?, _ key: String?, _ message: String) -> PlanError {
        PlanError(file: file, line: node?.mark?.line, column: node?.mark?.column, key: key, message: message)
    }

    /// The mapping's entries, refusing duplicate keys (YAML lets the last silently win) and unknown ones.
    func entries(_ node: Node, at path: String, allowed: [String]) throws(PlanError) -> [(key: String, keyNode: Node, value: Node)] {
        guard let mapping = node.mapping else { throw error(node, path, "expected a mapping of keys to values") }
        var seen = Set<String>()
        var result: [(key: String, keyNode: Node, value: Node)] = []
        for (keyNode, value) in mapping {
            guard let key = keyNode.scalar?.string else { throw error(keyNode, path, "a key must be a plain name") }
            let at = path.isEmpty ? key : "\(path).\(key)"
            guard allowed.contains(key) else {
                let near = allowed.min { PlanMetrics.editDistance(key, $0) < PlanMetrics.editDistance(key, $1) }
                let hint = near.map { PlanMetrics.editDistance(key, $0) <= 3 ? " (did you mean \($0)?)" : "" } ?? ""
                throw error(keyNode, at, "unknown key\(hint); allowed here: \(allowed.joined(separator: ", "))")
            }
            guard seen.insert(key).inserted else { throw error(keyNode, at, "given twice") }
            result.append((key, keyNode, value))
        }
        return result
    }

    func read(_ text: String) throws(PlanError) -> UserPlan {
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: text) else { throw error(nil, nil, "the plan is empty: it needs a scenarios: list") }
            root = node
        } catch let failure as PlanError {
            throw failure
        } catch let failure as YamlError {
            throw Self.syntaxError(failure, file: file)
        } catch {
            throw self.error(nil, nil, "cannot parse: \(error)")
        }
        let top = try entries(root, at: "", allowed: Self.topKeys)
        func value(_ key: String) -> Node? { top.first { $0.key == key }?.value }

        let repeats = try value("repeats").map { node throws(PlanError) in try self.repeats(node, at: "repeats") } ?? 1
        let aggregate = try value("aggregate").map { node throws(PlanError) in try self.aggregate(node, at: "aggregate") } ?? .median
        var baseline: (path: String, file: GateBaseline)?
        var newBaselinePath: String?
        if let node = value("baseline") {
            guard let path = node.scalar?.string, !path.isEmpty else { throw error(node, "baseline", "expects a file path") }
            let resolved = resolve(path)
            if updatingBaseline && !FileManager.default.fileExists(atPath: resolved) {
                newBaselinePath = resolved
            } else if !FileManager.default.isReadableFile(atPath: resolved) {
                throw error(node, "baseline", "cannot read \(resolved): it does not exist or is not readable")
            } else {
                do throws(GateInputError) { baseline = (resolved, try GateFiles.readBaseline(path: resolved)) } catch {
                    throw self.error(node, "baseline", "\(error)")
                }
            }
        }
        let defaults = try value("defaults").map { node throws(PlanError) in
            try entries(node, at: "defaults", allowed: PlanSettingKeys.all.map(\.key) + Self.planKeys.filter { $0 != "name" })
        } ?? []

        guard let list = value("scenarios") else { throw error(root, "scenarios", "missing: a plan needs a scenarios: list") }
        guard let items = list.sequence, items.count > 0 else { throw error(list, "scenarios", "expected a non-empty list of scenarios") }
        var scenarios: [PlanScenario] = []
        for (index, item) in items.enumerated() {
            let scenario = try PlanScenarioReader(reader: self, index: index, defaults: defaults, repeats: repeats, aggregate: aggregate).read(item)
            if let earlier = scenarios.first(where: { $0.name == scenario.name }) {
                throw error(item, "scenarios[\(index)].name", "'\(scenario.name)' is already the name of the scenario at line \(earlier.line); names must differ")
            }
            if let baseline, !updatingBaseline, let measured = baseline.file.scenario(scenario.name) {
                let differences = PlanBaselineCheck.differences(measured.samples.gateScenario.scenario, scenario.scenario)
                guard differences.isEmpty else {
                    throw error(item, "scenarios[\(index)] (\(scenario.name))", "\(baseline.path) measured '\(scenario.name)' on a different scenario: \(differences.joined(separator: "; ")). Measure a new baseline, or give this scenario another name.")
                }
            }
            scenarios.append(scenario)
        }
        return UserPlan(path: file, scenarios: scenarios, baselinePath: baseline?.path ?? newBaselinePath, baseline: baseline?.file)
    }

    func repeats(_ node: Node, at key: String) throws(PlanError) -> Int {
        guard let n = node.scalar.flatMap({ Int($0.string) }), (1...50).contains(n) else {
            throw error(node, key, "'\(node.scalar?.string ?? "")' is invalid: use a whole number of runs, 1...50")
        }
        return n
    }

    func aggregate(_ node: Node, at key: String) throws(PlanError) -> Aggregate {
        guard let a = node.scalar.flatMap({ Aggregate(rawValue: $0.string) }) else {
            throw error(node, key, "'\(node.scalar?.string ?? "")' is invalid: use median (each side's median over the repeats) or every (each repeat on its own)")
        }
        return a
    }

    /// A relative path in the plan is relative to the plan's directory, so CI can run it from anywhere.
    func resolve(_ path: String) -> String {
        guard !path.hasPrefix("/") else { return path }
        let directory = (file as NSString).deletingLastPathComponent
        return directory.isEmpty ? path : (directory as NSString).appendingPathComponent(path)
    }

    static func syntaxError(_ failure: YamlError, file: String) -> PlanError {
        switch failure {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            return PlanError(file: file, line: mark.line, column: mark.column, message: "not valid YAML (or JSON): \(problem)" + (context.map { " (\($0.description.trimmingCharacters(in: .whitespacesAndNewlines)))" } ?? ""))
        default:
            return PlanError(file: file, message: "not valid YAML (or JSON): \(failure)")
        }
    }
}

extension UserPlan {
    /// Reads and validates the plan at `path`; `updatingBaseline` accepts a `baseline:` file that does
    /// not exist yet and skips the check that it measured the same scenarios (it is being replaced).
    public static func read(path: String, updatingBaseline: Bool = false) throws(PlanError) -> UserPlan {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw PlanError(file: path, message: "cannot read the plan: it does not exist or is not readable")
        }
        guard let text = String(data: data, encoding: .utf8) else { throw PlanError(file: path, message: "the plan is not UTF-8 text") }
        return try PlanReader(file: path, updatingBaseline: updatingBaseline).read(text)
    }

    /// Validates a plan given as text (`file` names it in errors).
    public static func parse(_ text: String, file: String) throws(PlanError) -> UserPlan {
        try PlanReader(file: file).read(text)
    }
}
