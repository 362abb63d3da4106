import CHiredis
import Dispatch
import POSIX
import RedisConnection
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The event-loop half of a hiredis adapter (the role `adapters/ae.h` plays for Redis's own loop):
/// a read and a write `DispatchSource` that hiredis switches on and off through its
/// `addRead`/`delRead`/`addWrite`/`delWrite`/`cleanup` hooks.
///
/// Writes skip the write source once connected. hiredis calls `addWrite` after every command; a
/// connected socket is almost always writable, and resuming and suspending a write source costs
/// `epoll_ctl` calls and a wake-up through libdispatch's event thread on every round trip
/// (measured with strace at pipeline depth 1: 22 syscalls per command with the write source,
/// 14 without). So `addWrite` schedules one flush (`redisAsyncHandleWrite`) on the next turn of
/// the queue instead: every command sent in the current queue block still leaves in one
/// `write(2)`, as with a write event. The write source serves the connect (hiredis learns of it
/// from the first write event) and backpressure (hiredis asks again for writes from inside a
/// write that did not drain its buffer).
///
/// `@unchecked Sendable`: confined to the connection's queue like the connection that owns it
/// (the hooks check it); only the flush closure it schedules on that queue captures it.
final class DispatchEventAdapter: @unchecked Sendable {
    private let readSource: DispatchSourceRead
    private let writeSource: DispatchSourceWrite
    private let queue: DispatchQueue
    private let flush: @Sendable () -> Void
    /// The socket has connected: writes may be attempted without waiting for a write event.
    var connected = false
    /// hiredis is inside `redisAsyncHandleWrite`; an `addWrite` now means its buffer did not drain.
    var inWriteEvent = false
    private var flushScheduled = false
    // hiredis calls addRead after every read and addWrite after every command, many times while
    // already reading or writing. Dispatch `suspend`/`resume` calls must balance (an unbalanced
    // resume traps), so these flags turn the hooks into calls that act only on a change. A source
    // starts inactive, which counts as not reading/writing: the first `resume()` activates it.
    private var reading = false
    private var writing = false
    private var cancelled = false

    /// Whether the write source is armed: hiredis has bytes the kernel has not taken yet.
    var isWriting: Bool { writing }

    /// Makes the sources for hiredis's socket `fd`, calling the handlers on `queue`.
    ///
    /// Each source watches its own `dup()` of `fd`, closed in the source's cancel handler:
    /// `redisFree` closes `fd` itself right after `cleanup`, while Dispatch may still have the
    /// descriptor registered until the cancellation completes; watching a descriptor number that
    /// is closed (and maybe already reused by another socket) would misdeliver events.
    init(
        fd: Int32, queue: DispatchQueue, endpoint: String,
        onReadable: @escaping @Sendable () -> Void, onWritable: @escaping @Sendable () -> Void
    ) throws(RedisError) {
        self.queue = queue
        self.flush = onWritable
        // hiredis 0.14 opens its socket without FD_CLOEXEC; RedisFleet spawns redis-server
        // processes, which would otherwise inherit (and keep open) every client socket.
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        let readFD = try Self.duplicate(fd, endpoint: endpoint)
        let writeFD: Int32
        do {
            writeFD = try Self.duplicate(fd, endpoint: endpoint)
        } catch {
            _ = close(readFD)
            throw error
        }
        readSource = DispatchSource.makeReadSource(fileDescriptor: readFD, queue: queue)
        readSource.setEventHandler(handler: onReadable)
        readSource.setCancelHandler { _ = close(readFD) }
        writeSource = DispatchSource.makeWriteSource(fileDescriptor: writeFD, queue: queue)
        writeSource.setEventHandler(handler: onWritable)
        writeSource.setCancelHandler { _ = close(writeFD) }
    }

    private static func duplicate(_ fd: Int32, endpoint: String) throws(RedisError) -> Int32 {
        let copy = fcntl(fd, F_DUPFD_CLOEXEC, 0)
        guard copy >= 0 else {
            let code = errno
            throw RedisError(.io, endpoint: endpoint, detail: "dup of the hiredis socket failed: \(Errno(rawValue: code))", errno: code)
        }
        return copy
    }

    /// hiredis wants read events.
    func addRead() {
        dispatchPrecondition(condition: .onQueue(queue))
        guard !reading, !cancelled else { return }
        reading = true
        readSource.resume()
    }

    /// hiredis wants no read events.
    func delRead() {
        dispatchPrecondition(condition: .onQueue(queue))
        guard reading, !cancelled else { return }
        reading = false
        readSource.suspend()
    }

    /// hiredis has bytes to write (or waits for the connect to complete, which it learns from the
    /// first write event).
    func addWrite() {
        dispatchPrecondition(condition: .onQueue(queue))
        guard !writing, !flushScheduled, !cancelled else { return }
        if connected && !inWriteEvent {
            flushScheduled = true
            queue.async { [self] in
                flushScheduled = false
                guard !cancelled, !writing else { return }
                flush()
            }
        } else {
            writing = true
            writeSource.resume()
        }
    }

    /// hiredis's output buffer is empty.
    func delWrite() {
        dispatchPrecondition(condition: .onQueue(queue))
        guard writing, !cancelled else { return }
        writing = false
        writeSource.suspend()
    }

    /// Stops both sources for good. Idempotent.
    ///
    /// A suspended (or never activated) source must be resumed before it goes: libdispatch traps
    /// when a suspended or inactive source is released, and it never runs the cancel handler (which
    /// closes the dup) of a suspended one. The resume cannot run the event handler: that would run
    /// on this queue, after `cancel()`, which suppresses it.
    func cleanup() {
        dispatchPrecondition(condition: .onQueue(queue))
        guard !cancelled else { return }
        cancelled = true
        if !reading { readSource.resume() }
        if !writing { writeSource.resume() }
        reading = false
        writing = false
        readSource.cancel()
        writeSource.cancel()
    }

    deinit {
        precondition(cancelled, "DispatchEventAdapter released without cleanup(): its sources would leak the dup'd socket")
    }
}

extension DispatchEventAdapter {
    /// Points hiredis's event hooks at `connection` (`ac->ev.data`), which forwards them to its
    /// adapter. Must run before `redisAsyncSetConnectCallback`: that call arms the first write
    /// event through `addWrite`, and hiredis completes the connect on that event.
    static func installHooks(on context: UnsafeMutablePointer<redisAsyncContext>, for connection: HiredisConnection) {
        context.pointee.ev.data = Unmanaged.passUnretained(connection).toOpaque()
        context.pointee.ev.addRead = { data in HiredisConnection.fromEventData(data).adapter?.addRead() }
        context.pointee.ev.delRead = { data in HiredisConnection.fromEventData(data).adapter?.delRead() }
        context.pointee.ev.addWrite = { data in HiredisConnection.fromEventData(data).adapter?.addWrite() }
        context.pointee.ev.delWrite = { data in HiredisConnection.fromEventData(data).adapter?.delWrite() }
        context.pointee.ev.cleanup = { data in HiredisConnection.fromEventData(data).contextCleanup() }
    }
}
