import CHiredis
import Dispatch
import RESP
import POSIX
import RedisConnection

extension HiredisConnection {
    /// The connection behind `ac->ev.data`.
    static func fromEventData(_ data: UnsafeMutableRawPointer?) -> HiredisConnection {
        Unmanaged<HiredisConnection>.fromOpaque(data!).takeUnretainedValue()
    }

    // MARK: entering hiredis

    /// Every call into hiredis is bracketed by `enterHiredis`/`leaveHiredis`, so the connection
    /// knows whether a hiredis frame is on the stack: freeing the context, or compacting the FIFO
    /// that owns the privdata boxes, waits until none is.
    func enterHiredis() {
        dispatchPrecondition(condition: .onQueue(queue))
        hiredisDepth += 1
    }

    func leaveHiredis() {
        hiredisDepth -= 1
        guard hiredisDepth == 0, !tornDown else { return }
        if teardownPending || (context == nil && contextRetain != nil) {
            tearDown()
        } else {
            pending.compact()
        }
    }

    /// The read source fired.
    func socketReadable() {
        handleRead()
        waitInline()
    }

    /// The write source fired (the connect completed, or the socket takes more bytes), or a
    /// flush of commands sent since the last turn of the queue is due.
    func socketWritable() {
        handleWrite()
        waitInline()
    }

    private func handleRead() {
        guard let context else { return }
        enterHiredis()
        redisAsyncHandleRead(context)
        leaveHiredis()
    }

    private func handleWrite() {
        guard let context else { return }
        enterHiredis()
        adapter?.inWriteEvent = true
        redisAsyncHandleWrite(context)
        adapter?.inWriteEvent = false
        leaveHiredis()
    }

    /// With `inlineReplyWaitMicros` set and replies owed, waits for them in `poll(2)` on this thread,
    /// as the native client does (see `ConnectionOptions.inlineReplyWaitMicros`): hiredis reads them,
    /// its callbacks send what they trigger, and this writes it, until nothing is owed or the budget
    /// is spent.
    private func waitInline() {
        guard let micros = options.inlineReplyWaitMicros, micros > 0, !inInlineWait, phase == .ready else { return }
        inInlineWait = true
        defer { inInlineWait = false }
        let deadline = MonotonicClock.nanos() &+ UInt64(micros) * 1_000
        while failure == nil, !tornDown, let context, let adapter {
            pending.skipDone()
            guard !pending.isEmpty else { return }
            // Write what the last replies' callbacks sent (no syscall when hiredis's buffer is empty).
            handleWrite()
            // The kernel did not take it all: the write source finishes the job.
            guard !adapter.isWriting else { return }
            let now = MonotonicClock.nanos()
            guard now < deadline, Socket.waitReadable(fd: context.pointee.c.fd, timeoutNanos: deadline - now) else { return }
            handleRead()
        }
    }

    // MARK: failing

    /// Records the first cause of failure; later causes are consequences and are dropped.
    func recordFailure(_ error: RedisError) {
        if failure == nil { failure = error }
    }

    /// Makes the connection unusable with `error` (unless it already failed) and tears it down,
    /// now or, when called from inside hiredis, as soon as the outermost hiredis call returns.
    func fail(_ error: RedisError) {
        dispatchPrecondition(condition: .onQueue(queue))
        recordFailure(error)
        guard !tornDown else { return }
        if hiredisDepth == 0 {
            tearDown()
        } else {
            teardownPending = true
        }
    }

    /// hiredis's `cleanup` hook: it is about to free the context (after a connection error, or
    /// from our `redisAsyncFree`). Still valid here, so the error is read now; afterwards the
    /// context must not be touched.
    func contextCleanup() {
        dispatchPrecondition(condition: .onQueue(queue))
        if let context, failure == nil {
            recordFailure(RedisError(hiredis: context.pointee.c, endpoint: endpointText, phase: phase))
        }
        adapter?.cleanup()
        context = nil
    }

    /// Frees the context and fails everything still waiting. Runs once, at hiredis depth 0.
    func tearDown() {
        dispatchPrecondition(condition: .onQueue(queue))
        precondition(hiredisDepth == 0, "hiredis context freed from inside a hiredis call")
        guard !tornDown else { return }
        tornDown = true
        teardownPending = false
        let error = failure ?? RedisError(.connectionClosed, endpoint: endpointText, detail: "hiredis context closed")
        failure = error

        if let context {
            // redisAsyncFree, not redisAsyncDisconnect: the latter waits for the outstanding
            // replies, and close() promises `closedByClient` to those. hiredis calls every pending
            // callback with a NULL reply (they complete with `failure`), then `cleanup`, then the
            // disconnect callback, then closes its socket.
            enterHiredis()
            redisAsyncFree(context)
            hiredisDepth -= 1
            // Without hooks (a failure before they were attached) `cleanup` was not called.
            self.context = nil
        }
        adapter?.cleanup()
        adapter = nil
        connectTimer?.cancel()
        connectTimer = nil
        commandTimer?.cancel()
        commandTimer = nil

        // Commands hiredis did not hold: pub/sub commands, settled replies, held commands.
        for box in pending.removeAll() { box.fire(.failure(error)) }
        let waiting = held
        held = []
        holdUntilConfirmed = nil
        for command in waiting { command.target.deliver(.failure(error)) }
        pushHandler = nil
        subscribedChannels = []
        subscribedPatterns = []
        failConnect(error)

        // Last: this may drop the final reference to the connection (the caller's frame keeps
        // `self` alive until it returns).
        contextRetain?.release()
        contextRetain = nil
    }
}
