import Foundation
import Testing
import Yams

/// deploy/kubernetes/job.yaml, read as Kubernetes reads it: an Indexed Job whose pods each run one
/// shard, with the environment `bench run` reads for its shard and the password from a Secret.
@Suite("Kubernetes manifest")
struct KubernetesManifestTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func job() throws -> [String: Any] {
        let text = try String(contentsOf: root.appendingPathComponent("deploy/kubernetes/job.yaml"), encoding: .utf8)
        let documents = try Yams.load_all(yaml: text).compactMap { $0 as? [String: Any] }
        return try #require(documents.first { $0["kind"] as? String == "Job" }, "job.yaml has no kind: Job document")
    }

    @Test("an Indexed Job with parallelism = completions and the shard's environment")
    func indexedJob() throws {
        let job = try Self.job()
        #expect(job["apiVersion"] as? String == "batch/v1")
        let spec = try #require(job["spec"] as? [String: Any])
        #expect(spec["completionMode"] as? String == "Indexed")
        let completions = try #require(spec["completions"] as? Int)
        #expect(completions >= 2, "a sharded run has at least two shards")
        #expect(spec["parallelism"] as? Int == completions, "all shards must run at once, or the barrier times out")

        let pod = try #require((spec["template"] as? [String: Any])?["spec"] as? [String: Any])
        let container = try #require((pod["containers"] as? [[String: Any]])?.first)
        let env = try #require(container["env"] as? [[String: Any]])
        let byName = Dictionary(env.compactMap { entry in (entry["name"] as? String).map { ($0, entry) } }, uniquingKeysWith: { a, _ in a })
        let index = try #require(byName["JOB_COMPLETION_INDEX"], "the shard index variable")
        let fieldPath = ((index["valueFrom"] as? [String: Any])?["fieldRef"] as? [String: Any])?["fieldPath"] as? String
        #expect(fieldPath?.contains("job-completion-index") == true, "JOB_COMPLETION_INDEX comes from the pod's completion index")
        #expect(byName["JOB_COMPLETIONS"]?["value"] as? String == "\(completions)", "JOB_COMPLETIONS must equal completions")

        let command = ((container["command"] as? [String] ?? []) + (container["args"] as? [String] ?? [])).joined(separator: " ")
        #expect(command.contains("bench run"))
        #expect(command.contains("--shard") || command.contains("JOB_COMPLETION_INDEX"), "the shard comes from --shard or the Job's index")
        #expect(["--server", "--cluster", "--sentinel"].contains { command.contains($0) }, "a shard needs an external target")
        #expect(command.contains("--seed") || command.contains("--run-id"), "all shards must agree on the run id")

        // The password: a Secret, read through --password-env; never a literal on the command line.
        let passwordFlag = try #require(command.range(of: #"--password-env\s+(\S+)"#, options: .regularExpression), "--password-env")
        let variable = String(command[passwordFlag].split(separator: " ").last ?? "")
        let secret = (byName[variable]?["valueFrom"] as? [String: Any])?["secretKeyRef"] as? [String: Any]
        #expect(secret?["name"] != nil, "\(variable) comes from a Secret")
        #expect(!command.contains("--password "), "no password on the command line")

        let volumes = try #require(pod["volumes"] as? [[String: Any]])
        let mounts = try #require(container["volumeMounts"] as? [[String: Any]])
        #expect(!volumes.isEmpty && !mounts.isEmpty, "a shared volume collects every shard's outputs")
    }

    @Test("the image is Debian bookworm with libhiredis and libssl")
    func dockerfile() throws {
        let text = try String(contentsOf: Self.root.appendingPathComponent("deploy/kubernetes/Dockerfile"), encoding: .utf8)
        #expect(text.contains("FROM debian:bookworm"))
        #expect(text.contains("libhiredis0.14") && text.contains("libssl3"))
        #expect(text.contains("-c release"))
    }
}
