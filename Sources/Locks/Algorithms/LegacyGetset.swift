import RESP
import RedisConnection

/// `legacy-getset`, the 2013 design (and the old `SETNX` documentation): `SETNX key <expiry>`; if taken,
/// `GET`, and if the stored expiry has passed by the client's own clock, `GETSET key <new expiry>`, then
/// the lock is ours if the value `GETSET` returned is *still an expired timestamp* by that clock.
/// Released by `DEL` only if our own expiry has not passed; no extend (the expiry is a value, not a TTL).
///
/// Modelled as written, not as it could be made safer: comparing the returned value with the one seen
/// at `GET` would refuse a takeover that another contender made in between, hiding the double grants
/// that skewed clocks produce in the design (see `LocksTests.legacyDesignRule`).
struct LegacyGetsetAlgorithm: LockAlgorithm {
    var usesAcquisitionToken: Bool { false }

    func attempt(_ operation: AcquireOperation) { operation.legacySetnx() }

    func release(_ grant: LockGrant, by locker: Locker, _ completion: LockCompletion<ReleaseReport>) {
        let context = locker.context
        let operation = LockOperation()
        let finish = context.releaseFinisher(operation, completion)
        let expiry = grant.legacyExpiresAtMs ?? Int64(grant.token) ?? 0
        let now = locker.nowMs()
        guard now < expiry else { return finish(.lateRelease(lateByMs: now - expiry), 0) }
        let name = "release \(grant.key)"
        let batch = context.wakingWaiters(after: ["DEL", .string(grant.key)], key: grant.key)
        context.send(context.connections[0], batch: batch, .release, operation) { replies in
            switch replies[0] {
            case .success(.integer(1)): finish(.released, 1)
            case .success(.integer(0)): finish(.notOwner, 0)
            default: finish(.failed(Locker.failure(replies[0], name)), 0)
            }
        }
    }

    func extend(_ grant: LockGrant, byMs: Int, by locker: Locker, operation: LockOperation, _ finish: @escaping (ExtendOutcome) -> Void) {
        finish(.failed(LockFailure(.unsupported, operation: "extend \(grant.key)",
                                   detail: "legacy-getset has no extend: its expiry is a value judged by client clocks")))
    }
}

extension AcquireOperation {
    func legacySetnx() {
        let expiry = locker.nowMs() + Int64(spec.ttlMs) + 1
        context.send(connection, ["SETNX", .string(key), .integer(expiry)], .acquire, self) { [self] reply in
            guard !finished else { return }
            switch reply {
            case .success(.integer(1)): grant(legacyExpiry: expiry, tookOver: nil)
            case .success(.integer(0)): legacyGet()
            default: fail(reply)
            }
        }
    }

    func legacyGet() {
        context.send(connection, ["GET", .string(key)], .acquire, self) { [self] reply in
            guard !finished else { return }
            guard case .success(let value) = reply, value.errorMessage == nil else { return fail(reply) }
            if value.isNull {
                // Released between SETNX and GET: try again at once (a new attempt).
                return retryNow()
            }
            guard let text = value.string, let stored = Int64(text) else { return fail(reply) }
            if locker.nowMs() <= stored {
                attemptFailed() // held and not expired by our clock
            } else {
                legacyGetset()
            }
        }
    }

    func legacyGetset() {
        let expiry = locker.nowMs() + Int64(spec.ttlMs) + 1
        let continueHook = context.beforeLegacyGetset
        let send = { [self] in
            context.send(connection, ["GETSET", .string(key), .integer(expiry)], .acquire, self) { [self] reply in
                guard !finished else { return }
                guard case .success(let value) = reply, value.errorMessage == nil else { return fail(reply) }
                // nil: the key was deleted and our GETSET created it, so it is ours.
                if value.isNull { return grant(legacyExpiry: expiry, tookOver: nil) }
                guard let text = value.string, let old = Int64(text) else { return fail(reply) }
                // The design's rule: ours if the replaced value is still an expired timestamp by our clock.
                // Otherwise another contender took over first and we have only nudged its expiry.
                if locker.nowMs() > old {
                    grant(legacyExpiry: expiry, tookOver: old)
                } else {
                    attemptFailed()
                }
            }
        }
        if let continueHook {
            let proceed = QueueConfined(value: send)
            continueHook(key) { [context] in context.queue.async { proceed.value() } }
        } else {
            send()
        }
    }
}
