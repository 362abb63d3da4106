import Foundation
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

    private typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32

    /// glibc 2.34+'s `posix_spawn_file_actions_addclosefrom_np`, looked up at run time because Swift's
    /// Glibc module does not import this GNU extension; `nil` on an older libc.
    private static let closeFrom: CloseFrom? = {
        guard let handle = dlopen(nil, RTLD_NOW), let symbol = dlsym(handle, "posix_spawn_file_actions_addclosefrom_np") else {
            return nil
        }
        return unsafeBitCast(symbol, to: CloseFrom.self)
    }()

    /// `posix_spawn`s the worker: empty signal mask and default dispositions (the spawning thread may
    /// block signals, and a child inherits the mask), its own process group (Ctrl-C at the terminal is
    /// the parent's to handle), only `PATH` in its environment, no other inherited descriptor.
    func spawn() -> Result<Int32, ChaosEnvironmentError> {
        var actions = posix_spawn_file_actions_t()
        var attributes = posix_spawnattr_t()
        posix_spawn_file_actions_init(&actions)
        posix_spawnattr_init(&attributes)
        defer {
            posix_spawn_file_actions_destroy(&actions)
            posix_spawnattr_destroy(&attributes)
        }
        posix_spawn_file_actions_adddup2(&actions, childStdin, 0)
        posix_spawn_file_actions_adddup2(&actions, childStdout, 1)
        posix_spawn_file_actions_adddup2(&actions, childStdout, 2)
        if let closeFrom = Self.closeFrom { _ = closeFrom(&actions, 3) }

        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGHUP, SIGINT, SIGQUIT, SIGPIPE, SIGTERM, SIGCHLD] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP))

        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        let cArgv = argv.map { strdup($0) } + [nil]
        let cEnv = [strdup("PATH=\(path)")] + [nil]
        defer {
            cArgv.forEach { free($0) }
            cEnv.forEach { free($0) }
        }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, argv[0], &actions, &attributes, cArgv, cEnv)
        guard rc == 0 else {
            return .failure(ChaosEnvironmentError(.worker, "cannot start \(argv.joined(separator: " ")): \(String(cString: strerror(rc))). Is the bench binary still there?"))
        }
        return .success(pid)
    }
}
