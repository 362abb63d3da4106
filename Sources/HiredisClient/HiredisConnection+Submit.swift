import CHiredis
import Dispatch
import POSIX
import RESP
import RedisConnection

extension HiredisConnection {
    /// Accepts one command on `queue`: routes it by role, then hands it to hiredis.
    func submit(_ command: [RedisArgument], _ target: ReplyTarget) {
        dispatchPrecondition(condition: .onQueue(queue))
        if let failure {
            // Async, so a caller that resends from its completion cannot recurse without bound.
            queue.async { target.deliver(.failure(failure)) }
            return
        }
        if holdUntilConfirmed != nil {
            held.append(HeldCommand(command: command, target: target))
            return
        }
        let sentAt = commandTimeoutNs == nil ? 0 : MonotonicClock.nanos()
        switch CommandRole(command) {
        case .regular:
            if isSubscribed {
                // A subscribed RESP2 server answers ordinary commands with an error reply (and PING
                // with an array). hiredis 0.14 checks "no regular callback waiting and an error
                // reply" before it checks subscribed mode, takes the error for a server-initiated
                // one and disconnects; a PING array would be looked up among the channels and its
                // callback never fire. Refuse instead of losing the connection.
                settle(target, sentAt: sentAt, .failure(RedisError(
                    .unsupported, endpoint: endpointText,
                    detail: "hiredis 0.14 cannot carry \(command[0].wireText) on a subscribed connection (it disconnects on the server's refusal); use another connection or unsubscribe first")))
            } else {
                issue(command, PendingCommand(target, sentAt: sentAt), routed: true)
            }
        case .refused(let reason):
            settle(target, sentAt: sentAt, .failure(RedisError(.unsupported, endpoint: endpointText, detail: reason)))
        case .subscribe(let pattern):
            subscribe(command, pattern: pattern, target, sentAt: sentAt)
        case .unsubscribe(let pattern):
            unsubscribe(command, pattern: pattern, target, sentAt: sentAt)
        }
    }

    /// Accepts one pre-encoded command on `queue`. The ordinary case goes straight to hiredis; a
    /// failed, held or subscribed connection takes the argument path, which knows those cases.
    func submit(encoded command: UnsafeRawBufferPointer, _ target: ReplyTarget) {
        guard failure == nil, holdUntilConfirmed == nil, !isSubscribed, let context else {
            submit(Self.arguments(of: command), target)
            return
        }
        let sentAt = commandTimeoutNs == nil ? 0 : MonotonicClock.nanos()
        let box = PendingCommand(target, sentAt: sentAt)
        hand(box) {
            redisAsyncFormattedCommand(context, routedReplyCallback, Unmanaged.passUnretained(box).toOpaque(),
                                       command.baseAddress?.assumingMemoryBound(to: CChar.self), command.count)
        }
    }

    /// The arguments of an encoded command (an array of bulk strings), for the rare paths.
    static func arguments(of command: UnsafeRawBufferPointer) -> [RedisArgument] {
        var decoder = RESPDecoder()
        decoder.feed(command)
        guard case .array(let items?)? = try? decoder.next() else { return [] }
        return items.map { item in
            if case .bulkString(let bytes?) = item { return .bytes(bytes) }
            return .string(item.string ?? "")
        }
    }

    /// Whether the server will be in subscribed mode once it has processed everything sent so far.
    var isSubscribed: Bool { !subscribedChannels.isEmpty || !subscribedPatterns.isEmpty }

    // MARK: pub/sub

    // hiredis 0.14 files every SUBSCRIBE under each of its channels, replaces the entry (and
    // forgets the old privdata) when a channel is subscribed twice, calls the entry for every
    // confirmation and message, never calls an UNSUBSCRIBE's own callback (its confirmations go
    // to the subscribe's entry), and calls each entry once more with NULL at teardown. Rather than
    // keep boxes alive through that, pub/sub commands register one connection-wide router
    // (`pubSubReplyArrived`, privdata NULL) and wait in the FIFO like any command: the server
    // sends confirmations in command order, so the oldest pending pub/sub command owns the next one.

    private func subscribe(_ command: [RedisArgument], pattern: Bool, _ target: ReplyTarget, sentAt: UInt64) {
        let names = command.dropFirst().map(\.wireBytes)
        if pattern {
            subscribedPatterns.formUnion(names)
        } else {
            subscribedChannels.formUnion(names)
        }
        // The server confirms every name, duplicates included.
        let expectation = PubSubExpectation(kind: pattern ? "psubscribe" : "subscribe", remaining: names.count)
        issue(command, PendingCommand(target, sentAt: sentAt, pubSub: expectation), routed: false)
    }

    private func unsubscribe(_ command: [RedisArgument], pattern: Bool, _ target: ReplyTarget, sentAt: UInt64) {
        let kind = pattern ? "punsubscribe" : "unsubscribe"
        let names = command.dropFirst().map(\.wireBytes)
        var remaining = pattern ? subscribedPatterns : subscribedChannels
        let total = subscribedChannels.count + subscribedPatterns.count

        guard isSubscribed else {
            // hiredis 0.14 refuses (P)UNSUBSCRIBE unless subscribed (redisAsyncCommand returns
            // REDIS_ERR), where Redis would confirm each name with a count of 0. Answer as Redis
            // would, in order.
            let last: RESPValue = .array([.bulkString(Array(kind.utf8)), .bulkString(names.last), .integer(0)])
            settle(target, sentAt: sentAt, .success(last))
            return
        }
        let confirmations: Int
        if names.isEmpty {
            guard !remaining.isEmpty else {
                // Redis would confirm with a nil channel, and hiredis 0.14 asserts that the channel
                // is a string: the process would abort. Answer as Redis would.
                let reply: RESPValue = .array([.bulkString(Array(kind.utf8)), .bulkString(nil), .integer(Int64(total))])
                settle(target, sentAt: sentAt, .success(reply))
                return
            }
            confirmations = remaining.count
            remaining.removeAll()
        } else {
            for name in names where remaining.remove(name) == nil {
                // Redis confirms it anyway, but hiredis 0.14 finds no table entry for the name and
                // hands the confirmation to whichever callback it ran last.
                settle(target, sentAt: sentAt, .failure(RedisError(
                    .unsupported, endpoint: endpointText,
                    detail: "hiredis 0.14 cannot route the reply to \(kind.uppercased()) of '\(String(decoding: name, as: UTF8.self))', which this connection is not subscribed to (or named twice)")))
                return
            }
            confirmations = names.count
        }
        if pattern {
            subscribedPatterns = remaining
        } else {
            subscribedChannels = remaining
        }
        let box = PendingCommand(target, sentAt: sentAt, pubSub: PubSubExpectation(kind: kind, remaining: confirmations))
        issue(command, box, routed: false)
        if !isSubscribed && !box.isDone {
            holdUntilConfirmed = box
        }
    }

    /// Routes one pub/sub array that hiredis found in its channel tables (or `nil` at teardown).
    func pubSubReplyArrived(_ reply: UnsafeMutableRawPointer?) {
        dispatchPrecondition(condition: .onQueue(queue))
        // NULL: hiredis is tearing down and calls every table entry once. Pub/sub commands still
        // waiting are failed from the FIFO by teardown.
        guard let reply, failure == nil else { return }
        let value = RESPValue(copying: reply.assumingMemoryBound(to: redisReply.self))
        // Only arrays reach the channel tables: in subscribed mode hiredis 0.14 disconnects on
        // any error reply, and ordinary commands are refused while subscribed (see `submit`).
        guard let items = value.elements, let kind = items.first?.string?.lowercased() else { return }
        switch kind {
        case "message", "pmessage":
            if let message = RedisPushMessage(value) { pushHandler?(message) }
        case "subscribe", "psubscribe", "unsubscribe", "punsubscribe":
            confirm(kind, value)
        default:
            break
        }
    }

    private func confirm(_ kind: String, _ value: RESPValue) {
        advanceHead()
        guard let box = pending.oldest, var expectation = box.pubSub, expectation.kind == kind else {
            fail(RedisError(.protocolError, endpoint: endpointText, detail: "a '\(kind)' confirmation arrived that no pending command expects; hiredis 0.14's pub/sub routing lost track"))
            return
        }
        expectation.remaining -= 1
        box.pubSub = expectation
        guard expectation.remaining == 0 else { return }
        complete(box, .success(value))
        if holdUntilConfirmed === box {
            // hiredis has left subscribed mode (this confirmation said 0), so held commands are
            // routed as ordinary commands again.
            holdUntilConfirmed = nil
            let waiting = held
            held = []
            for command in waiting { submit(command.command, command.target) }
        }
    }

    // MARK: FIFO

    /// Hands one command to hiredis. `routed`: hiredis calls `replyArrived` with the box as
    /// privdata; otherwise the pub/sub router answers it.
    func issue(_ command: [RedisArgument], _ box: PendingCommand, routed: Bool) {
        dispatchPrecondition(condition: .onQueue(queue))
        guard let context else {
            box.fire(.failure(failure ?? RedisError(.connectionClosed, endpoint: endpointText)))
            return
        }
        // Move the buffer out while hiredis reads it, so the property is not accessed (and its
        // storage not copied) while a hook re-enters the connection.
        var buffer = argv
        argv = ArgvBuffer()
        buffer.load(command)
        hand(box) {
            let status = buffer.withArgv { argc, argvPointer, lengths in
                if routed {
                    return redisAsyncCommandArgv(context, routedReplyCallback, Unmanaged.passUnretained(box).toOpaque(), argc, argvPointer, lengths)
                } else {
                    return redisAsyncCommandArgv(context, { context, reply, _ in
                        guard let context, let data = context.pointee.data else { return }
                        Unmanaged<HiredisConnection>.fromOpaque(data).takeUnretainedValue().pubSubReplyArrived(reply)
                    }, nil, argc, argvPointer, lengths)
                }
            }
            argv = buffer
            return status
        }
    }

    /// Puts `box` in the FIFO, then gives hiredis its command through `call` (which returns hiredis's
    /// status); a refusal, which only happens when hiredis is already disconnecting (or out of
    /// memory), fails the box.
    private func hand(_ box: PendingCommand, _ call: () -> Int32) {
        pending.append(box)
        enterHiredis()
        if call() != REDIS_OK {
            complete(box, .failure(failure ?? RedisError(.io, endpoint: endpointText, detail: "hiredis refused the command (context closing or out of memory)")))
        }
        leaveHiredis()
    }

    /// hiredis's reply callback for routed commands; `reply` is NULL when the context is going away.
    func replyArrived(_ box: PendingCommand, _ reply: UnsafeMutableRawPointer?, _ context: UnsafeMutablePointer<redisAsyncContext>) {
        dispatchPrecondition(condition: .onQueue(queue))
        guard let reply else {
            // The first NULL carries the cause; the context's error is read once, not per command.
            if failure == nil {
                recordFailure(RedisError(hiredis: context.pointee.c, endpoint: endpointText, phase: phase))
            }
            complete(box, .failure(failure!))
            return
        }
        // hiredis 0.14's redisProcessCallbacks keeps the last callback in a local across loop
        // iterations, so a reply it cannot place (a pub/sub array naming no known channel) runs
        // that stale callback again. The pub/sub guards in `submit` should rule that out; if it
        // happens anyway, the box is still alive (see PendingCommand) and done, so the repeat is
        // dropped instead of completing twice.
        guard !box.isDone else { return }
        if let failure {
            // Closed (or failed) from an earlier completion in this same read: later replies in
            // the buffer do not count.
            complete(box, .failure(failure))
        } else {
            complete(box, .success(RESPValue(copying: reply.assumingMemoryBound(to: redisReply.self))))
        }
    }

    /// Delivers a command's reply and moves the FIFO head past everything done.
    func complete(_ box: PendingCommand, _ reply: RedisReply) {
        box.fire(reply)
        advanceHead()
    }

    /// Queues a reply decided without the server; it is delivered in order with the others.
    private func settle(_ target: ReplyTarget, sentAt: UInt64, _ reply: RedisReply) {
        pending.skipDone()
        let nothingBefore = pending.isEmpty
        pending.append(PendingCommand(target, sentAt: sentAt, settled: reply))
        if nothingBefore {
            // Deliver on the next turn of the queue, never from inside `send`.
            queue.async { [self] in advanceHead() }
        }
        // Otherwise the completion of the command before it delivers it (`advanceHead`).
    }

    /// Skips completed commands at the head of the FIFO and delivers settled replies that have
    /// reached it.
    func advanceHead() {
        while let oldest = pending.oldest {
            if oldest.isDone {
                pending.dropOldest()
            } else if let settled = oldest.settled {
                oldest.fire(settled)
            } else {
                break
            }
        }
    }
}

/// hiredis's callback for a routed command: `privdata` is the command's box, unretained.
private func routedReplyCallback(
    _ context: UnsafeMutablePointer<redisAsyncContext>?, _ reply: UnsafeMutableRawPointer?, _ privdata: UnsafeMutableRawPointer?
) {
    guard let context, let data = context.pointee.data, let privdata else { return }
    let box = Unmanaged<PendingCommand>.fromOpaque(privdata).takeUnretainedValue()
    Unmanaged<HiredisConnection>.fromOpaque(data).takeUnretainedValue().replyArrived(box, reply, context)
}

extension RedisArgument {
    /// The argument as text, for error messages.
    var wireText: String { String(decoding: wireBytes, as: UTF8.self) }
}
