import Dispatch
import RESP
import RedisConnection

extension ClusterConnection {
    /// A redirected command is followed at most this often: a slot bouncing between two nodes (a map
    /// in flux) fails the command instead of looping.
    static let maxRedirects = 5
    /// `TRYAGAIN`/`CLUSTERDOWN` retries per command, with delays of 5, 10, 20 … 200 ms (0.7 s in
    /// all): a migration step or a brief loss of coverage is ridden out; a longer outage fails the
    /// command, and the lock layer's own wait strategy decides what comes next.
    static let maxRetries = 8
    static let asking: [UInt8] = Array("*1\r\n$6\r\nASKING\r\n".utf8)
    /// The tag of an `ASKING` sent ahead of a command: its `+OK` is dropped.
    static let askingTag = -1

    /// Routes and sends one command (on `queue`).
    func submit(
        _ command: UnsafeRawBufferPointer, receiver: (any RedisReplyReceiver)?, tag: Int, handler: RedisReplyHandler?
    ) {
        let route = CommandRoute.of(encoded: command)
        if case .crossSlot(let a, let b) = route {
            counters.add(.crossSlot)
            let refusal = RedisReply.success(.simpleError(
                "CROSSSLOT Keys in request don't hash to the same slot (refused by lockbench before sending: slots \(a) and \(b); give every key of one lock the same {hash tag})"))
            // Asynchronously, as a reply would come: the caller may still be setting up its operation.
            queue.async { if let receiver { receiver.receive(refusal, tag: tag) } else { handler?(refusal) } }
            return
        }
        let index = allocate(command, receiver: receiver, tag: tag, handler: handler)
        guard !closed else { return deliver(index, .failure(RedisError(.closedByClient, endpoint: endpoint.description))) }
        switch route {
        case .slot(let slot):
            entries[index].slot = slot
            dispatch(index)
        case .everyPrimary:
            fanOut(index)
        case .anyNode, .pubsub, .malformed, .crossSlot:
            write(index, on: home)
        }
    }

    func allocate(
        _ command: UnsafeRawBufferPointer, receiver: (any RedisReplyReceiver)?, tag: Int, handler: RedisReplyHandler?
    ) -> Int {
        let index: Int
        if let reused = freeEntries.popLast() { index = reused } else {
            entries.append(PendingEntry())
            index = entries.count - 1
        }
        entries[index].receiver = receiver
        entries[index].handler = handler
        entries[index].tag = tag
        entries[index].bytes.append(contentsOf: command)
        entries[index].inUse = true
        return index
    }

    /// Sends entry `index` to the primary of its slot (the home node while the slot has no primary: it
    /// answers `CLUSTERDOWN` or `MOVED`, both followed).
    func dispatch(_ index: Int) {
        guard let shard = map.shard(forSlot: entries[index].slot) else { return write(index, on: home) }
        if let link = shardLinks[shard], link.isOpen { return write(index, on: link) }
        park(index, for: map.shards[shard].primary)
    }

    func write(_ index: Int, on link: any RedisConnection) {
        // A local copy: a client that completes at once (a dead connection) re-enters `receive`, which
        // releases the entry while its bytes would still be borrowed.
        let bytes = entries[index].bytes
        bytes.withUnsafeBytes { link.send(encoded: $0, to: self, tag: index) }
    }

    private func fanOut(_ index: Int) {
        let primaries = map.shards.map(\.primary)
        guard !primaries.isEmpty else { return write(index, on: home) }
        entries[index].fanOut = primaries.count
        for primary in primaries {
            if let link = links[primary], link.isOpen { write(index, on: link) } else {
                // SCRIPT LOAD runs at setup, when every primary is connected; one that is not counts as
                // failed rather than delaying the others.
                receive(.failure(RedisError(.connectionClosed, endpoint: primary.description, detail: "not connected")), tag: index)
            }
        }
    }

    public func receive(_ reply: RedisReply, tag index: Int) {
        guard index != Self.askingTag, index < entries.count, entries[index].inUse else { return }
        if entries[index].fanOut > 0 {
            entries[index].fanOut -= 1
            if entries[index].fanOutReply == nil || reply.isFailureOrError { entries[index].fanOutReply = reply }
            if entries[index].fanOut == 0 { deliver(index, entries[index].fanOutReply ?? reply) }
            return
        }
        switch reply {
        case .success(.simpleError(let message)):
            if !closed, follow(message, index) { return }
        case .failure:
            // A node that dropped its connection may have failed over: the next read names its successor,
            // and the next command to the slot reconnects (`dispatch` skips a closed link).
            refreshMap()
        default: break
        }
        deliver(index, reply)
    }

    /// Frees entry `index` and hands `reply` to its owner.
    func deliver(_ index: Int, _ reply: RedisReply) {
        let receiver = entries[index].receiver
        let handler = entries[index].handler
        let tag = entries[index].tag
        entries[index].receiver = nil
        entries[index].handler = nil
        entries[index].bytes.removeAll(keepingCapacity: true)
        entries[index].slot = -1
        entries[index].redirects = 0
        entries[index].retries = 0
        entries[index].fanOutReply = nil
        entries[index].parkedForRetry = false
        entries[index].asking = false
        entries[index].inUse = false
        freeEntries.append(index)
        if let receiver { receiver.receive(reply, tag: tag) } else { handler?(reply) }
    }

    /// Follows a cluster redirect or schedules a retry; `false` when the error is the command's answer.
    private func follow(_ message: String, _ index: Int) -> Bool {
        guard let redirect = ClusterRedirect(message) else { return false }
        switch redirect {
        case .moved(let slot, let target), .ask(let slot, let target):
            guard entries[index].redirects < Self.maxRedirects else { return false }
            entries[index].redirects += 1
            if case .moved = redirect {
                counters.add(.moved)
                map.move(slot: slot, to: target)
                rebuildShardLinks()
                refreshMap()
                entries[index].slot = slot
                dispatch(index)
            } else {
                counters.add(.ask)
                // ASK names the importing node for this one command: the map stays as it is.
                guard let link = links[target], link.isOpen else {
                    entries[index].asking = true
                    park(index, for: target)
                    return true
                }
                Self.asking.withUnsafeBytes { link.send(encoded: $0, to: self, tag: Self.askingTag) }
                write(index, on: link)
            }
        case .tryAgain, .clusterDown:
            guard entries[index].retries < Self.maxRetries else { return false }
            counters.add(redirect.isTryAgain ? .tryAgain : .clusterDown)
            let delayMs = min(5 << entries[index].retries, 200)
            entries[index].retries += 1
            entries[index].parkedForRetry = true
            let timer = DispatchSource.makeTimerSource(queue: queue)
            timer.schedule(deadline: .now() + .milliseconds(delayMs))
            timer.setEventHandler { [self] in
                timer.cancel()
                guard entries[index].inUse, entries[index].parkedForRetry, !closed else { return }
                entries[index].parkedForRetry = false
                if entries[index].slot >= 0 { dispatch(index) } else { write(index, on: home) }
            }
            timer.resume()
        }
        return true
    }
}

extension RedisReply {
    /// A transport failure or an error reply: what a fan-out reports over any success.
    var isFailureOrError: Bool {
        switch self {
        case .failure: return true
        case .success(let value): return value.errorMessage != nil
        }
    }
}
