import ArgumentParser

/// `bench gate`: being written; replaced by the real command in this change.
struct GateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "gate", abstract: "Compare a run against a committed baseline and fail on regressions.")

    func run() async throws {
        throw ValidationError("bench gate is not available in this build yet.")
    }
}
