import RESP
import RedisConnection

/// One subscriber connection per context, shared by every waiter on its queue.
///
/// A key's channel is subscribed when its first local waiter arrives and unsubscribed `linger` after
/// its last one leaves. Messages fan out in process: a release message (`pubsub`) wakes the oldest local
/// waiter (or all of them with `wakeAll`); a hand-off message (`fifo`, payload `<token>:<fence>`) goes to
/// the one waiter holding that token, if it is on this queue.
///
/// Confined to the context's queue (the push handler runs there).
final class PubSubHub: @unchecked Sendable {
    // @unchecked: confined to the context's queue, like the context.

    enum State { case unsubscribed, subscribing, subscribed, unsubscribing }

    final class Channel: @unchecked Sendable {
        // @unchecked: confined to the context's queue.
        let name: String
        var state: State = .unsubscribed
        /// Messages seen on this channel.
        var epoch: UInt64 = 0
        /// The epoch of the latest release message that woke nobody here.
        var lastUnclaimedEpoch: UInt64 = 0
        /// Pub/sub waiters in registration order; stale entries (generation mismatch) are skipped.
        var waiters: [(AcquireOperation, UInt64)] = []
        var head = 0
        var registered = 0
        /// FIFO waiters by token.
        var byToken: [String: AcquireOperation] = [:]
        /// Waiters to call back when the subscription is confirmed (or fails).
        var awaitingConfirmation: [AcquireOperation] = []
        var lingerTimer: TimerHandle?
        /// A waiter arrived while an UNSUBSCRIBE was in flight: subscribe again when it is confirmed.
        var resubscribe = false

        init(name: String) { self.name = name }

        var isIdle: Bool { registered == 0 && byToken.isEmpty && awaitingConfirmation.isEmpty }
    }

    unowned let context: LockContext
    let connection: any RedisConnection
    var channels: [String: Channel] = [:]

    init(context: LockContext, connection: any RedisConnection) {
        self.context = context
        self.connection = connection
        connection.setPushHandler { [weak self] message in self?.deliver(message) }
    }

    func channel(_ name: String) -> Channel {
        if let existing = channels[name] { return existing }
        let created = Channel(name: name)
        channels[name] = created
        return created
    }

    /// Whether the channel's subscription is confirmed, and its message epochs, for the race check.
    func snapshot(_ name: String) -> (confirmed: Bool, epoch: UInt64) {
        guard let channel = channels[name] else { return (false, 0) }
        return (channel.state == .subscribed, channel.epoch)
    }

    func lastUnclaimedEpoch(_ name: String) -> UInt64 { channels[name]?.lastUnclaimedEpoch ?? 0 }

    // MARK: Registration

    /// Adds a pub/sub waiter; returns its generation (for `unregister`).
    func register(_ operation: AcquireOperation, on name: String) {
        let channel = channel(name)
        operation.waitGeneration &+= 1
        operation.registeredChannel = channel
        channel.waiters.append((operation, operation.waitGeneration))
        channel.registered += 1
        ensureSubscribed(channel)
    }

    func unregister(_ operation: AcquireOperation) {
        guard let channel = operation.registeredChannel else { return }
        operation.registeredChannel = nil
        operation.waitGeneration &+= 1
        channel.registered -= 1
        if channel.registered == 0 {
            channel.waiters.removeAll(keepingCapacity: true)
            channel.head = 0
        }
        releaseIfIdle(channel)
    }

    /// Calls `operation.subscriptionSettled()` once the channel is confirmed (at once if it already is).
    func whenSubscribed(_ operation: AcquireOperation, on name: String) {
        let channel = channel(name)
        if channel.state == .subscribed {
            operation.subscriptionSettled()
            return
        }
        channel.awaitingConfirmation.append(operation)
        ensureSubscribed(channel)
    }

    func registerFIFO(_ operation: AcquireOperation, token: String, on name: String) {
        let channel = channel(name)
        channel.byToken[token] = operation
        ensureSubscribed(channel)
    }

    func unregisterFIFO(token: String, on name: String) {
        guard let channel = channels[name] else { return }
        channel.byToken[token] = nil
        releaseIfIdle(channel)
    }

    // MARK: Subscription

    private func ensureSubscribed(_ channel: Channel) {
        if let timer = channel.lingerTimer {
            context.wheel.cancel(timer)
            channel.lingerTimer = nil
        }
        switch channel.state {
        case .subscribed, .subscribing:
            return
        case .unsubscribing:
            // Subscribe again only once the UNSUBSCRIBE is confirmed: a client may track "subscribed
            // mode" by the confirmation's count, and a count of 0 arriving after our SUBSCRIBE was sent
            // would make it read the next messages as replies.
            channel.resubscribe = true
        case .unsubscribed:
            subscribe(channel)
        }
    }

    private func subscribe(_ channel: Channel) {
        channel.state = .subscribing
        context.counters.subscriptionCommands += 1
        context.counters.commands += 1
        connection.send(["SUBSCRIBE", .string(channel.name)]) { [self] reply in
            guard channel.state == .subscribing else { return }
            if LockFailure.from(reply, operation: "SUBSCRIBE \(channel.name)") != nil {
                // Waiters fall back to their timers; the next registration tries again.
                channel.state = .unsubscribed
                context.counters.errors["subscribe", default: 0] += 1
            } else {
                channel.state = .subscribed
            }
            let waiting = channel.awaitingConfirmation
            channel.awaitingConfirmation.removeAll()
            for operation in waiting { operation.subscriptionSettled() }
            releaseIfIdle(channel)
        }
    }

    private func releaseIfIdle(_ channel: Channel) {
        guard channel.isIdle, channel.state == .subscribed, channel.lingerTimer == nil else { return }
        let linger = context.spec.wait.linger.nanos
        if linger == 0 {
            unsubscribe(channel)
            return
        }
        channel.lingerTimer = context.wheel.schedule(afterNanos: linger) { [self] in
            channel.lingerTimer = nil
            if channel.isIdle && channel.state == .subscribed { unsubscribe(channel) }
        }
    }

    private func unsubscribe(_ channel: Channel) {
        channel.state = .unsubscribing
        channel.resubscribe = false
        context.counters.subscriptionCommands += 1
        context.counters.commands += 1
        connection.send(["UNSUBSCRIBE", .string(channel.name)]) { [self] _ in
            guard channel.state == .unsubscribing else { return }
            channel.state = .unsubscribed
            if channel.resubscribe || !channel.isIdle {
                channel.resubscribe = false
                subscribe(channel)
            } else {
                channels[channel.name] = nil
            }
        }
    }

    // MARK: Delivery

    private func deliver(_ message: RedisPushMessage) {
        guard let channel = channels[message.channel] else { return }
        channel.epoch &+= 1
        if let separator = message.payload.firstIndex(of: UInt8(ascii: ":")) {
            let token = String(decoding: message.payload[..<separator], as: UTF8.self)
            let fence = Int64(String(decoding: message.payload[(separator + 1)...], as: UTF8.self)) ?? 0
            // A hand-off for a waiter on another queue (or process) is not ours to count.
            if let operation = channel.byToken[token] {
                context.counters.wakeups += 1
                operation.handedOff(fence: fence)
            }
            return
        }
        var woke = 0
        if context.spec.wait.wakesAll {
            let waiters = channel.waiters[channel.head...]
            for (operation, generation) in waiters where operation.waitGeneration == generation && operation.registeredChannel === channel {
                unregister(operation)
                woke += 1
                operation.woken()
            }
        } else {
            while channel.head < channel.waiters.count {
                let (operation, generation) = channel.waiters[channel.head]
                channel.head += 1
                if operation.waitGeneration == generation && operation.registeredChannel === channel {
                    unregister(operation)
                    woke = 1
                    operation.woken()
                    break
                }
            }
            if channel.head > 256 && channel.head * 2 > channel.waiters.count {
                channel.waiters.removeFirst(channel.head)
                channel.head = 0
            }
        }
        if woke == 0 {
            channel.lastUnclaimedEpoch = channel.epoch
            context.counters.unclaimedMessages += 1
        } else {
            context.counters.wakeups += woke
        }
    }
}
