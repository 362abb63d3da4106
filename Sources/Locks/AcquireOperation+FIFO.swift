import RESP
import RedisConnection

/// `fifo` waiting: a ticket in the key's queue, served in arrival order by the acquire and release
/// scripts, with the hand-off announced on the key's channel. The ticket is refreshed (and the lock
/// polled) every `fallback`, so a lost message cannot strand a waiter.
extension AcquireOperation {
    var fifoKeys: [String] {
        let fifo = [key, LockKeys.queue(key), LockKeys.queueDeadlines(key)]
        return spec.algorithm == .fenced ? fifo + [LockKeys.fence(key)] : fifo
    }

    func fifoStart(fallback: Milliseconds, ticketTTL: Milliseconds) {
        guard let hub = context.hub else { return fifoPoll(fallback: fallback, ticketTTL: ticketTTL) }
        fifoPhase = .subscribing
        // Subscribed before the ticket exists, so the hand-off message cannot be missed.
        hub.registerFIFO(self, token: token, on: channelName)
        hub.whenSubscribed(self, on: channelName)
        guard !finished, fifoPhase == .subscribing else { return }
        // A subscriber in trouble must not strand us: after the fallback, queue anyway and poll.
        sleep(fallback.nanos) { [self] in
            context.counters.fallbacks += 1
            fifoPoll(fallback: fallback, ticketTTL: ticketTTL)
        }
    }

    /// The subscription the FIFO waiter waits for was answered: queue and poll now.
    func fifoSubscriptionSettled(fallback: Milliseconds, ticketTTL: Milliseconds) {
        guard fifoPhase == .subscribing else { return }
        cancelTimer()
        fifoPoll(fallback: fallback, ticketTTL: ticketTTL)
    }

    func fifoPoll(fallback: Milliseconds, ticketTTL: Milliseconds) {
        guard !finished else { return }
        if cancelRequested {
            fifoWithdraw(then: .cancelled)
            return
        }
        attempts += 1
        context.counters.attempts += 1
        fifoPhase = .polling
        let args: [RedisArgument] = [
            .string(token), .integer(Int64(spec.ttlMs)), .integer(Int64(ticketTTL.count)), .string(ticket), .string(channelName),
        ]
        context.eval(connection, LockScripts.fifoAcquire, keys: fifoKeys, args: args, .acquire, self) { [self] reply in
            guard !finished, fifoPhase == .polling else { return }
            guard case .success(let value) = reply, let items = value.elements, let flag = items.first?.integer else {
                return fail(reply)
            }
            if flag == 1 {
                let fence = items.count > 1 ? items[1].integer ?? 0 : 0
                grant(fence: spec.algorithm == .fenced ? fence : nil)
                return
            }
            if items.count > 1, let newTicket = items[1].string { ticket = newTicket }
            if items.count > 2, items[2].integer == 1 { context.counters.fifoRequeues += 1 }
            if cancelRequested {
                fifoWithdraw(then: .cancelled)
                return
            }
            if let max = spec.maxAttempts, attempts >= max {
                fifoWithdraw(then: .gaveUp)
                return
            }
            fifoPhase = .waiting
            sleep(fallback.nanos) { [self] in
                context.counters.fallbacks += 1
                fifoPoll(fallback: fallback, ticketTTL: ticketTTL)
            }
        }
    }

    /// A release (or a newcomer's script) handed the lock to our ticket.
    func handedOff(fence: Int64) {
        guard !finished, fifoPhase == .polling || fifoPhase == .waiting else { return }
        cancelTimer()
        grant(fence: spec.algorithm == .fenced ? fence : nil)
    }

    /// Withdraws the ticket (and passes the lock on if it reached us meanwhile), then ends.
    func fifoWithdraw(then reason: EndReason) {
        cancelTimer()
        fifoPhase = .withdrawing
        let args: [RedisArgument] = [.string(token), .integer(Int64(spec.ttlMs)), .string(channelName), .string(ticket)]
        context.eval(connection, LockScripts.fifoRelease, keys: fifoKeys, args: args, .acquire, self) { [self] _ in
            end(reason)
        }
    }
}
