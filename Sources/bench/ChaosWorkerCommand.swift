import ArgumentParser
import Chaos

/// `bench chaos-worker`: the lock holder `bench chaos` runs in a process of its own, so it can be
/// paused with a real SIGSTOP. Not for people: it talks a line protocol on stdin/stdout.
struct ChaosWorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chaos-worker",
        abstract: "Hold a lock for bench chaos's SIGSTOP scenario (internal).",
        shouldDisplay: false
    )

    @Option(help: ArgumentHelp("The worker's task as ChaosWorkerConfig JSON.", valueName: "json"))
    var config: String

    func run() async throws {
        let code = await ChaosWorker.run(configJSON: config)
        if code != 0 { throw ExitCode(code) }
    }
}
