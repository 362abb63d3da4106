#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Where a spawned child's standard stream comes from or goes to.
public enum ChildStream: Sendable, Hashable {
    /// `/dev/null`.
    case devNull
    /// A descriptor of ours (a pipe end), duplicated onto the stream.
    case descriptor(Int32)
    /// A file opened for appending (created 0600 if missing).
    case appendFile(String)
    /// stderr only: wherever stdout goes.
    case sameAsStdout
}

/// One `posix_spawn` as this project spawns every child (redis-server, the chaos worker, `bench` in
/// tests): signals as a shell would start it, chosen standard streams, and no other inherited
/// descriptor.
///
/// Dispatch and test-runner threads block SIGINT, SIGTERM and others, and a child inherits the
/// spawning thread's mask: a redis-server with SIGTERM blocked ignores a graceful stop, and a `bench`
/// with SIGINT blocked ignores Ctrl-C. So the child gets an empty mask and default dispositions. The
/// harness holds client sockets that are not all close-on-exec; a child that inherited one would keep
/// that connection open after the client closed it, so every descriptor from 3 up is closed.
public struct ProcessSpawn: Sendable {
    /// The program's path.
    public var executable: String
    /// `argv`, its first element included.
    public var arguments: [String]
    /// The child's whole environment, `NAME=value`.
    public var environment: [String]
    /// Standard input, output and error.
    public var stdin: ChildStream = .devNull
    public var stdout: ChildStream = .devNull
    public var stderr: ChildStream = .sameAsStdout
    /// A process group of its own (Ctrl-C at the terminal is then the parent's alone to handle).
    public var ownProcessGroup = false

    /// A spawn of `executable` with `arguments` (argv, its first element included) and `environment`.
    public init(executable: String, arguments: [String], environment: [String]) {
        self.executable = executable
        self.arguments = arguments
        self.environment = environment
    }

    /// Only `PATH`, from this process (or a usual default): children get nothing else of ours.
    ///
    /// The harness's own environment may hold the Redis password (`--password-env`), and a child's
    /// environment is readable through `/proc/<pid>/environ`; redis-server needs none of it.
    public static func pathOnlyEnvironment() -> [String] {
        ["PATH=\(ExecutableSearch.searchPath)"]
    }

    /// `setpriv --pdeathsig KILL --` when util-linux's setpriv is on PATH, else empty: put it before
    /// argv so the kernel kills the child when the harness dies, even by SIGKILL.
    ///
    /// Only the child itself can ask for that (`PR_SET_PDEATHSIG`), and `posix_spawn` cannot run code
    /// in the child, so setpriv does it and then execs the program under the same pid. The signal
    /// follows the spawning *thread*: spawn through `SpawnerThread`.
    public static var deathSignalPrefix: [String] {
        ExecutableSearch.find("setpriv").map { [$0, "--pdeathsig", "KILL", "--"] } ?? []
    }

    /// Starts the child; its pid, or the failing call and errno.
    public func spawn() -> Result<pid_t, SpawnFailure> {
        var actions = posix_spawn_file_actions_t()
        var attributes = posix_spawnattr_t()
        posix_spawn_file_actions_init(&actions)
        posix_spawnattr_init(&attributes)
        defer {
            posix_spawn_file_actions_destroy(&actions)
            posix_spawnattr_destroy(&attributes)
        }
        Self.attach(stdin, to: 0, &actions)
        Self.attach(stdout, to: 1, &actions)
        Self.attach(stderr, to: 2, &actions)
        if let closeFrom = Self.closeFromAction { _ = closeFrom(&actions, 3) }

        var emptyMask = sigset_t()
        sigemptyset(&emptyMask)
        posix_spawnattr_setsigmask(&attributes, &emptyMask)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGHUP, SIGINT, SIGQUIT, SIGPIPE, SIGTERM, SIGUSR1, SIGUSR2, SIGCHLD] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var flags = Int32(POSIX_SPAWN_SETSIGMASK) | Int32(POSIX_SPAWN_SETSIGDEF)
        if ownProcessGroup {
            flags |= Int32(POSIX_SPAWN_SETPGROUP)
            posix_spawnattr_setpgroup(&attributes, 0)
        }
        posix_spawnattr_setflags(&attributes, Int16(flags))

        let argv = arguments.map { strdup($0) } + [nil]
        let envp = environment.map { strdup($0) } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard result == 0 else { return .failure(SpawnFailure(call: "posix_spawn \(executable)", errno: Errno(rawValue: result))) }
        return .success(pid)
    }

    private static func attach(_ stream: ChildStream, to fd: Int32, _ actions: inout posix_spawn_file_actions_t) {
        switch stream {
        case .devNull: posix_spawn_file_actions_addopen(&actions, fd, "/dev/null", fd == 0 ? O_RDONLY : O_WRONLY, 0)
        case .descriptor(let source): posix_spawn_file_actions_adddup2(&actions, source, fd)
        case .appendFile(let path): posix_spawn_file_actions_addopen(&actions, fd, path, O_WRONLY | O_CREAT | O_APPEND, 0o600)
        case .sameAsStdout: posix_spawn_file_actions_adddup2(&actions, 1, fd)
        }
    }

    private typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32

    /// glibc 2.34+'s `posix_spawn_file_actions_addclosefrom_np`, looked up at run time because Swift's
    /// Glibc module does not import this GNU extension; `nil` on an older libc.
    private static let closeFromAction: CloseFrom? = {
        guard let handle = dlopen(nil, RTLD_NOW),
              let symbol = dlsym(handle, "posix_spawn_file_actions_addclosefrom_np") else { return nil }
        return unsafeBitCast(symbol, to: CloseFrom.self)
    }()
}

/// A spawn that failed: the call and its errno.
public struct SpawnFailure: Error, Sendable, CustomStringConvertible {
    /// `posix_spawn <path>`.
    public var call: String
    public var errno: Errno

    /// `posix_spawn /usr/bin/x: No such file or directory`.
    public var description: String { "\(call): \(errno)" }
}
