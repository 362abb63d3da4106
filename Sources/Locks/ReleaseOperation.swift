import RESP
import RedisConnection

/// A `setnx-px` or `fenced` release: one compare-and-delete script (with the publish or FIFO hand-off
/// its wait strategy needs), sent on the measured path with this object as the reply receiver.
final class ReleaseOperation: LockOperation, @unchecked Sendable {
    // @unchecked: confined to the context's queue (see `LockOperation`).
    let context: LockContext
    private(set) var grant: LockGrant
    /// Nil once called: a spare kept by its locker must not keep the observer (which owns the
    /// locker) alive.
    private var completion: LockCompletion<ReleaseReport>?

    private init(context: LockContext, grant: LockGrant, completion: LockCompletion<ReleaseReport>) {
        self.context = context
        self.grant = grant
        self.completion = completion
    }

    /// Sends the release of `grant`. The locker's previous release object is reused when nothing
    /// else holds it (its reply has been handled, so no pending command can still reach it): one
    /// object per contender instead of one allocated and freed per cycle.
    static func start(_ grant: LockGrant, by locker: Locker, _ completion: LockCompletion<ReleaseReport>) {
        let operation: ReleaseOperation
        if isKnownUniquelyReferenced(&locker.spareRelease), let spare = locker.spareRelease {
            spare.grant = grant
            spare.completion = completion
            spare.commands = 0
            operation = spare
        } else {
            operation = ReleaseOperation(context: locker.context, grant: grant, completion: completion)
            locker.spareRelease = operation
        }
        operation.send(asSource: false)
    }

    func send(asSource: Bool) {
        let spec = context.spec
        let tag = LockTag.release | (asSource ? LockTag.asSource : 0)
        let names = DerivedNames.of(grant.key, spec: spec)
        context.send(context.connections[0], .release, self, tag: tag) { writer in
            Self.encode(grant, names, spec: spec, call: context.releaseCall, asSource: asSource, into: &writer)
        }
    }

    override func receive(_ reply: RedisReply, tag: Int) {
        if context.needsEvalFallback(reply, tag: tag) { return send(asSource: true) }
        let outcome: ReleaseOutcome
        switch reply {
        case .success(.integer(let n)) where n > 0: outcome = .released
        case .success(.integer(0)): outcome = .notOwner
        default: outcome = .failed(Locker.failure(reply, "release \(grant.key)"))
        }
        context.noteRelease(outcome)
        guard let done = completion else { return }
        completion = nil
        done(ReleaseReport(outcome: outcome, commands: commands, nodesReleased: outcome == .released ? 1 : 0))
    }
}

extension LockContext {
    /// The completion of a release made of argument commands: counts the outcome and reports it with
    /// the commands `operation` sent.
    func releaseFinisher(_ operation: LockOperation, _ completion: LockCompletion<ReleaseReport>) -> (ReleaseOutcome, Int) -> Void {
        { [self] outcome, nodes in
            noteRelease(outcome)
            completion(ReleaseReport(outcome: outcome, commands: operation.commands, nodesReleased: nodes))
        }
    }

    /// Counts a release's outcome.
    func noteRelease(_ outcome: ReleaseOutcome) {
        switch outcome {
        case .released: counters.released += 1
        case .notOwner: counters.releaseNotOwner += 1
        case .wrongOwnerDelete: counters.wrongOwnerDeletes += 1
        case .lateRelease: counters.lateReleases += 1
        case .failed(let failure): counters.record(failure)
        }
    }
}
