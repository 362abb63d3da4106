/// Hears how acquisitions and releases end without a closure per call: the load driver passes itself
/// and the contender's index as the tag. Called on the context's queue, once per call.
public protocol LockObserver: AnyObject {
    /// The acquisition started with `tag` ended.
    func acquireEnded(_ outcome: AcquireOutcome, tag: Int)
    /// The release started with `tag` ended.
    func releaseEnded(_ report: ReleaseReport, tag: Int)
}

/// Where an operation's single completion goes: a closure (the public convenience API) or an
/// observer and its tag (the driver's measured path).
enum LockCompletion<Value> {
    case closure((Value) -> Void)
    case observer(any LockObserver, Int)
}

extension LockCompletion where Value == AcquireOutcome {
    func callAsFunction(_ outcome: AcquireOutcome) {
        switch self {
        case .closure(let body): body(outcome)
        case .observer(let observer, let tag): observer.acquireEnded(outcome, tag: tag)
        }
    }
}

extension LockCompletion where Value == ReleaseReport {
    func callAsFunction(_ report: ReleaseReport) {
        switch self {
        case .closure(let body): body(report)
        case .observer(let observer, let tag): observer.releaseEnded(report, tag: tag)
        }
    }
}
