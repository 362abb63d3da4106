import CZooKeeper
import Dispatch
#if canImport(Glibc)
import Glibc
#endif

/// The read and write sources on the C client's current socket, with the flags that keep Dispatch's
/// suspend/resume calls balanced.
struct ZooKeeperIOSources {
    var fd: Int32 = -1
    /// The socket's inode: the C client reconnects on a new socket that may reuse the old descriptor's
    /// number, and a source on the old socket would then never fire.
    var inode: UInt = 0
    var read: (any DispatchSourceRead)?
    var write: (any DispatchSourceWrite)?
    var reading = false
    var writing = false

    mutating func cancel() {
        // A suspended source cannot be cancelled to completion: resume it first.
        if let read { if !reading { read.resume() }; read.cancel() }
        if let write { if !writing { write.resume() }; write.cancel() }
        self = ZooKeeperIOSources()
    }
}

extension ZooKeeperConnection {
    /// Asks the C client what it waits for and arms the sources and the timer to match; after every
    /// event and every request submitted.
    func pump() {
        dispatchPrecondition(condition: .onQueue(queue))
        guard let handle else { return }
        var fd: Int32 = -1
        var interest: Int32 = 0
        var wait = timeval()
        inClientCall += 1
        let rc = zookeeper_interest(handle, &fd, &interest, &wait)
        inClientCall -= 1
        guard self.handle != nil else { return }
        if rc == ZSESSIONEXPIRED.rawValue || rc == ZINVALIDSTATE.rawValue || zoo_state(handle) == ZOO_EXPIRED_SESSION_STATE {
            return sessionExpired()
        }
        if rc == ZCONNECTIONLOSS.rawValue, connected {
            connected = false
            counters.connectionLosses += 1
            onSessionEvent?(.connecting)
        }
        var info = Glibc.stat()
        // After a failed connect the C client may report the descriptor it has just closed.
        if fd >= 0, fstat(fd, &info) != 0 { fd = -1 }
        let inode = fd >= 0 ? UInt(info.st_ino) : 0
        if fd != io.fd || inode != io.inode {
            io.cancel()
            if fd >= 0 { attach(fd: fd, inode: inode) }
        }
        setInterest(read: interest & ZOOKEEPER_READ != 0, write: interest & ZOOKEEPER_WRITE != 0)
        let waitMs = max(Int(wait.tv_sec) * 1_000 + Int(wait.tv_usec) / 1_000, 1)
        timerDueNanos = DispatchTime.now().uptimeNanoseconds + UInt64(waitMs) * 1_000_000
        timer.schedule(deadline: .now() + .milliseconds(waitMs), leeway: .milliseconds(1))
    }

    private func attach(fd: Int32, inode: UInt) {
        // The sources own a dup: the C client closes its descriptor on a reconnect whenever it likes,
        // and a source must never watch a number the kernel has handed to another file.
        let own = dup(fd)
        // Out of descriptors: the timer still drives the client, which will give up on this socket.
        guard own >= 0 else { return }
        let read = DispatchSource.makeReadSource(fileDescriptor: own, queue: queue)
        let write = DispatchSource.makeWriteSource(fileDescriptor: own, queue: queue)
        read.setEventHandler { [unowned self] in self.process(ZOOKEEPER_READ) }
        write.setEventHandler { [unowned self] in self.process(ZOOKEEPER_WRITE) }
        let closer = Closer(fd: own)
        read.setCancelHandler { closer.release() }
        write.setCancelHandler { closer.release() }
        io = ZooKeeperIOSources(fd: fd, inode: inode, read: read, write: write, reading: false, writing: false)
    }

    private func setInterest(read: Bool, write: Bool) {
        if let source = io.read, read != io.reading {
            read ? source.resume() : source.suspend()
            io.reading = read
        }
        if let source = io.write, write != io.writing {
            write ? source.resume() : source.suspend()
            io.writing = write
        }
    }

    private func process(_ events: Int32) {
        guard let handle else { return }
        inClientCall += 1
        _ = zookeeper_process(handle, events)
        inClientCall -= 1
        pump()
    }

    func timerFired() {
        guard let handle else { return }
        if connected {
            counters.wakeups += 1
            let now = DispatchTime.now().uptimeNanoseconds
            let latenessMs = now > timerDueNanos ? Double(now - timerDueNanos) / 1_000_000 : 0
            counters.worstLatenessMs = max(counters.worstLatenessMs, latenessMs)
            if latenessMs > Double(negotiatedTimeoutMs) / 3 { counters.late += 1 }
        }
        inClientCall += 1
        _ = zookeeper_process(handle, 0)
        inClientCall -= 1
        pump()
    }

    /// The session is gone for good: fail what waits on it and tell the owner once.
    func sessionExpired() {
        guard !isExpired else { return }
        isExpired = true
        connected = false
        counters.expirations += 1
        io.cancel()
        timer.schedule(deadline: .distantFuture)
        failConnectWaiters(ZooKeeperError(.sessionExpired, operation: "connect", servers: servers))
        let lost = watches
        watches.removeAll()
        for handlers in lost.values { for handler in handlers { handler(.sessionLost) } }
        onSessionEvent?(.expired)
    }

    /// Routes the C client's watcher calls: session state for the connection, node events to the
    /// handlers registered for their path.
    func watcher(type: Int32, state: Int32, path: String) {
        if type == ZOO_SESSION_EVENT {
            if state == ZOO_CONNECTED_STATE {
                guard let handle, !connected else { return }
                connected = true
                negotiatedTimeoutMs = Int(zoo_recv_timeout(handle))
                let waiters = connectWaiters
                connectWaiters.removeAll()
                for waiter in waiters { waiter(.success(())) }
                onSessionEvent?(.connected)
            } else if state == ZOO_EXPIRED_SESSION_STATE {
                sessionExpired()
            } else if state == ZOO_CONNECTING_STATE, connected {
                connected = false
                counters.connectionLosses += 1
                onSessionEvent?(.connecting)
            }
            return
        }
        let event: ZooKeeperWatchEvent
        switch type {
        case ZOO_DELETED_EVENT: event = .deleted
        case ZOO_CREATED_EVENT: event = .created
        default: event = .changed
        }
        guard let handlers = watches.removeValue(forKey: path) else { return }
        for handler in handlers { handler(event) }
    }
}

/// Closes a dup'd descriptor once both sources on it are cancelled.
private final class Closer: @unchecked Sendable {
    private let fd: Int32
    private var remaining = 2
    init(fd: Int32) { self.fd = fd }
    func release() {
        // Both cancel handlers run on the connection's queue, so the count needs no lock.
        remaining -= 1
        if remaining == 0 { _ = Glibc.close(fd) }
    }
}

/// The C client's watcher for the session and every watch: the context is the connection, which
/// outlives its handle (`close()` ends the handle first).
let zooKeeperWatcher: watcher_fn = { _, type, state, path, context in
    guard let context else { return }
    let connection = Unmanaged<ZooKeeperConnection>.fromOpaque(context).takeUnretainedValue()
    connection.watcher(type: type, state: state, path: path.map { String(cString: $0) } ?? "")
}
