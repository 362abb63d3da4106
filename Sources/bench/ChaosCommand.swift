import ArgumentParser

/// `bench chaos`: being written; replaced by the real command in this change.
struct ChaosCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "chaos", abstract: "Run real faults against real servers and report lock safety.")

    func run() async throws {
        throw ValidationError("bench chaos is not available in this build yet.")
    }
}
