import Dispatch
import Foundation
import Synchronization

/// One thread that lives as long as the process and performs every spawn.
///
/// `PR_SET_PDEATHSIG` (what `setpriv --pdeathsig KILL` sets) fires when the *thread* that created
/// the child exits, not the process. Dispatch and the Swift concurrency pool retire idle threads,
/// so a server spawned from one of them would be SIGKILLed a few seconds later for no reason.
/// Spawning from this never-ending thread ties the signal to the process's death only.
public final class SpawnerThread: Sendable {
    public static let shared = SpawnerThread()

    private let jobs = Mutex<[@Sendable () -> Void]>([])
    private let wakeUp = DispatchSemaphore(value: 0)

    private init() {
        let thread = Thread { [self] in
            while true {
                wakeUp.wait()
                let job = jobs.withLock { $0.removeFirst() }
                job()
            }
        }
        thread.name = "lockbench.fleet.spawner"
        thread.start()
    }

    /// Runs `body` on the spawner thread and returns its result.
    public func perform<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            jobs.withLock { $0.append { continuation.resume(returning: body()) } }
            wakeUp.signal()
        }
    }
}
