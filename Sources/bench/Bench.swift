import ArgumentParser

/// The `bench` command line. It only parses and validates; each subcommand, in its own file,
/// calls the layers that do the work.
@main
struct Bench: AsyncParsableCommand {
    /// The root command and its subcommands.
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure Redis locks: acquire latency, fairness, Redlock TTL budget, safety and client cost.",
        subcommands: [RunCommand.self, ServersCommand.self, CalibrateCommand.self]
    )
}
