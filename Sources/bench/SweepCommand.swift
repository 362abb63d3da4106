import ArgumentParser

/// `bench sweep`: being written; replaced by the real command in this change.
struct SweepCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "sweep", abstract: "Run a grid of scenarios into one CSV and report the knee.")

    func run() async throws {
        throw ValidationError("bench sweep is not available in this build yet.")
    }
}
