import Harness
import LoadDriver
import RedisConnection
import Yams

/// Reads one entry of `scenarios:`: the plan's own keys, then the settings over `defaults:`, then
/// `ScenarioSettings` validation, its refusal located at the key it names.
struct PlanScenarioReader {
    let reader: PlanReader
    let index: Int
    let defaults: [(key: String, keyNode: Node, value: Node)]
    let repeats: Int
    let aggregate: Aggregate

    func read(_ item: Node) throws(PlanError) -> PlanScenario {
        let at = "scenarios[\(index)]"
        let own = try reader.entries(item, at: at, allowed: ["name"] + PlanReader.planKeys.filter { $0 != "name" } + ["compare"] + PlanSettingKeys.all.map(\.key))
        guard let nameNode = own.first(where: { $0.key == "name" })?.value else {
            throw reader.error(item, at, "missing name: every scenario needs a name (it labels its thresholds in every report)")
        }
        guard let name = nameNode.scalar?.string, !name.isEmpty else { throw reader.error(nameNode, "\(at).name", "expects a non-empty name") }
        let path = "\(at) (\(name))"
        // The scenario's own keys win over defaults:, as a flag wins over its default; thresholds add up.
        let merged = defaults.filter { d in d.key == "thresholds" || !own.contains { $0.key == d.key } } + own
        func where_(_ entry: (key: String, keyNode: Node, value: Node)) -> String {
            defaults.contains { $0.keyNode.mark?.line == entry.keyNode.mark?.line && $0.key == entry.key } ? "defaults.\(entry.key)" : "\(path).\(entry.key)"
        }

        var client = ClientChoice.native
        var runs = repeats
        var judged = aggregate
        var thresholds: [(ThresholdExpression, Aggregate?)] = []
        for entry in merged {
            let key = where_(entry)
            switch entry.key {
            case "name", "compare": continue
            case "repeats": runs = try reader.repeats(entry.value, at: key)
            case "aggregate": judged = try reader.aggregate(entry.value, at: key)
            case "client":
                guard let value = entry.value.scalar?.string, let choice = ClientChoice(rawValue: value) else {
                    throw reader.error(entry.value, key, "'\(entry.value.scalar?.string ?? "")' is invalid: use native, hiredis or both")
                }
                client = choice
            case "thresholds": thresholds += try self.thresholds(entry.value, at: key)
            default: continue
            }
        }
        let scenario = try self.scenario(merged, client: client.clients[0], item: item, path: path, locate: where_)
        let comparison = try own.first { $0.key == "compare" }.map { entry throws(PlanError) in
            try PlanComparisonReader(scenarioReader: self).read(entry.value, at: "\(path).compare", base: merged, clients: client.clients, rounds: runs, item: item, locate: where_)
        }
        return PlanScenario(
            name: name, line: item.mark?.line ?? 0, scenario: scenario, clients: client.clients, repeats: runs, aggregate: judged,
            thresholds: thresholds.map { PlanThreshold(expression: $0.0, aggregate: $0.1 ?? judged) }, comparison: comparison)
    }

    /// The settings among `merged` applied and validated as `bench run` validates its flags, each
    /// refusal located by `locate` at the key it names.
    func scenario(
        _ merged: [(key: String, keyNode: Node, value: Node)], client: RedisClientKind, item: Node, path: String,
        locate where_: ((key: String, keyNode: Node, value: Node)) -> String
    ) throws(PlanError) -> Scenario {
        var settings = ScenarioSettings()
        var passwordKeys: [String] = []
        for entry in merged {
            guard let set = PlanSettingKeys.setters[entry.key] else { continue }
            if entry.key.hasPrefix("password-") { passwordKeys.append(entry.key) }
            do throws(PlanSettingKeys.Refusal) { try set(&settings, entry.value) } catch {
                throw reader.error(entry.value, where_(entry), error.message)
            }
        }
        if passwordKeys.count > 1 {
            let node = merged.last { $0.key.hasPrefix("password-") }?.keyNode
            throw reader.error(node, path, "password-env and password-file are alternatives: give one")
        }
        do throws(ScenarioSettingsError) { return try settings.scenario(client: client) } catch {
            let culprit = error.flag.flatMap { flag in merged.last { $0.key == flag } }
            throw reader.error(culprit?.value ?? item, culprit.map(where_) ?? error.flag.map { "\(path).\($0)" } ?? path,
                               "bench run would refuse this: \(error.description)")
        }
    }

    /// A list of expressions, each checked here so a typo fails before any server starts; an entry may
    /// be `{expr: EXPR, aggregate: every}` to judge it apart from the scenario's other thresholds.
    func thresholds(_ node: Node, at key: String) throws(PlanError) -> [(ThresholdExpression, Aggregate?)] {
        guard let list = node.sequence else {
            throw reader.error(node, key, "expects a list of expressions, e.g. [\"acquire_p99_us < 50000\", \"mutex_violations == 0\"]")
        }
        var parsed: [(ThresholdExpression, Aggregate?)] = []
        for (i, item) in list.enumerated() {
            let at = "\(key)[\(i)]"
            var textNode = item
            var aggregate: Aggregate?
            if item.mapping != nil {
                let entries = try reader.entries(item, at: at, allowed: ["expr", "aggregate"])
                guard let expr = entries.first(where: { $0.key == "expr" })?.value else {
                    throw reader.error(item, at, "missing expr: write {expr: acquire_p99_us < 50000, aggregate: every}")
                }
                textNode = expr
                aggregate = try entries.first { $0.key == "aggregate" }.map { entry throws(PlanError) in
                    try reader.aggregate(entry.value, at: "\(at).aggregate")
                }
            }
            guard let text = textNode.scalar?.string else { throw reader.error(textNode, at, "expects an expression such as acquire_p99_us < 50000") }
            do throws(ThresholdExpression.ParseError) { parsed.append((try ThresholdExpression(parsing: text), aggregate)) } catch {
                throw reader.error(textNode, at, error.description)
            }
        }
        return parsed
    }
}
