import Foundation
import POSIX
#if canImport(Glibc)
import Glibc
#endif

/// How a worker is started: argv, and the pipe ends that become its stdin and stdout (stderr too, so
/// its error messages reach the parent's diagnostics).
struct SpawnRequest: Sendable {
    var argv: [String]
    var childStdin: Int32
    var childStdout: Int32
    /// Our end of the child's stdin (written by `WorkerProcess.send`).
    var parentStdin: Int32

    /// Spawns the worker as every child of the project is spawned (`ProcessSpawn`), in a process group
    /// of its own (Ctrl-C at the terminal is the parent's to handle), with only `PATH` in its environment.
    func spawn() -> Result<Int32, ChaosEnvironmentError> {
        var request = ProcessSpawn(executable: argv[0], arguments: argv, environment: ProcessSpawn.pathOnlyEnvironment())
        request.stdin = .descriptor(childStdin)
        request.stdout = .descriptor(childStdout)
        request.stderr = .sameAsStdout
        request.ownProcessGroup = true
        switch request.spawn() {
        case .success(let pid):
            return .success(pid)
        case .failure(let failure):
            return .failure(ChaosEnvironmentError(.worker, "cannot start \(argv.joined(separator: " ")): \(failure.errno). Is the bench binary still there?"))
        }
    }
}
