import ArgumentParser

#if canImport(Glibc)
import Glibc
#endif

/// The `bench` command line. It only parses and validates; each subcommand, in its own file,
/// calls the layers that do the work.
@main
struct Bench: AsyncParsableCommand {
    /// The root command and its subcommands.
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure Redis locks: acquire latency, fairness, Redlock TTL budget, safety and client cost.",
        subcommands: [
            RunCommand.self, SweepCommand.self, GateCommand.self, ReportCommand.self, ChaosCommand.self, ChaosWorkerCommand.self,
            ServersCommand.self, CalibrateCommand.self, SchemaCommand.self, MergeCommand.self,
        ]
    )

    /// Unblocks the termination signals before anything else runs, then parses and runs.
    ///
    /// A parent may start us with SIGINT/SIGTERM/SIGHUP blocked (test runners and some process
    /// libraries spawn from threads that block them, and the mask survives exec). Threads inherit the
    /// mask, so it must be cleared here, on the main thread, before Dispatch starts its workers;
    /// otherwise Ctrl-C would stay pending and a run could never be interrupted.
    static func main() async {
        var signals = sigset_t()
        sigemptyset(&signals)
        for signal in [SIGINT, SIGTERM, SIGHUP] { sigaddset(&signals, signal) }
        pthread_sigmask(SIG_UNBLOCK, &signals, nil)
        await main(nil)
    }
}
