import RESP
import RedisConnection

/// `pubsub` waiting: park on the key's channel until a release message or the fallback timeout.
extension AcquireOperation {
    /// Remembers whether the channel was subscribed, and its epoch, as the attempt goes out: a release
    /// between this point and our registration would otherwise wake nobody.
    func snapshotChannel() {
        if let hub = context.hub { (confirmedAtSend, epochAtSend) = hub.snapshot(channelName) }
    }

    func waitForRelease(fallback: Milliseconds, wakeAll: Bool) {
        guard let hub = context.hub else {
            sleep(fallback.nanos) { [self] in attempt() }
            return
        }
        if confirmedAtSend {
            // Subscribed before our attempt was sent, so any release since was published to us; if one
            // woke nobody here (we were not registered yet), it may have been ours: retry now.
            let missed = wakeAll
                ? hub.snapshot(channelName).epoch != epochAtSend
                : hub.lastUnclaimedEpoch(channelName) > epochAtSend
            if missed {
                attempt()
                return
            }
            hub.register(self, on: channelName)
        } else {
            // Not subscribed when the attempt was sent: a release before the subscription took effect
            // was not seen by anyone, so retry once the subscription is confirmed.
            hub.register(self, on: channelName)
            retryWhenSubscribed = true
            hub.whenSubscribed(self, on: channelName)
            guard !finished, registeredChannel != nil, retryWhenSubscribed else { return }
        }
        sleep(fallback.nanos) { [self] in
            hub.unregister(self)
            retryWhenSubscribed = false
            context.counters.fallbacks += 1
            attempt()
        }
    }

    /// A release message picked this waiter (the hub has unregistered it).
    func woken() {
        guard !finished else { return }
        cancelTimer()
        retryWhenSubscribed = false
        attempt()
    }

    /// The pub/sub waiter's channel subscription was answered: retry if we were waiting for it.
    func pubsubSubscriptionSettled() {
        guard retryWhenSubscribed, registeredChannel != nil else { return }
        retryWhenSubscribed = false
        guard context.hub?.snapshot(channelName).confirmed == true else { return } // failed: the fallback timer stays
        context.hub?.unregister(self)
        cancelTimer()
        attempt()
    }
}
