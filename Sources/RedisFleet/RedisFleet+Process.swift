/// Process-wide controls: finding redis-server and the safety net for children.
extension RedisFleet {
    /// The path of the `redis-server` a fleet would run: `override` (a path, or a name looked up
    /// on `PATH`) or else `redis-server` on `searchPath` (default: the `PATH` variable).
    ///
    /// Throws `FleetError.Code.executableNotFound`, whose message says how to install it.
    public static func locateRedisServer(override: String? = nil, searchPath: String? = nil) throws(FleetError) -> String {
        try RedisServerExecutable.locate(override: override, searchPath: searchPath)
    }

    /// Replaces what SIGINT, SIGTERM and SIGHUP do while fleets may be running.
    ///
    /// By default the first such signal SIGKILLs every child and exits with 128 + signal. A
    /// command that must first stop its run and write partial results sets a handler instead,
    /// then calls `killAllChildren()` (or stops its fleets) and exits itself. The handler runs on
    /// a private serial queue. A second signal while a handler is set falls back to the default,
    /// so a stuck handler cannot make the harness unkillable by Ctrl-C. `nil` restores the default.
    public static func setInterruptHandler(_ handler: (@Sendable (Int32) -> Void)?) {
        ChildRegistry.setInterruptHandler(handler)
    }

    /// SIGKILLs and reaps every redis-server this process started, in every fleet, and removes
    /// their temp directories. For the last moments of a process; fleets are unusable afterwards.
    public static func killAllChildren() {
        ChildRegistry.killAll()
    }

    /// Installs the SIGINT/SIGTERM/SIGHUP handling and the `atexit` cleanup now rather than at
    /// the first `start`, so a signal that arrives before any fleet exists is handled the same way.
    public static func installSafetyNet() {
        ChildRegistry.installOnce()
    }
}
