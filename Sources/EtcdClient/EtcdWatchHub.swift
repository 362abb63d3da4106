import EtcdProto
import GRPCCore
import Synchronization
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Every deletion wait of one channel, multiplexed over one Watch stream, as clientv3 does.
///
/// A stream per wait looked simpler, but a queue of a thousand waiters then held a thousand HTTP/2
/// streams: past the 100 streams a connection may open before the server says otherwise (etcd does
/// not), the holder's release and the lease keep-alive queued behind the waiters' watches, and a
/// thousand idle streams cost the server as much as the locking. Here a waiter is a watch id on the
/// one stream; etcd (3.4+) takes the id the client chooses, so no reply has to be matched to a request.
final class EtcdWatchHub: Sendable {
    private struct Waiter {
        var key: Data
        var continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var nextID: Int64 = 1
        var waiters: [Int64: Waiter] = [:]
        /// The open stream's outbound requests; nil when no stream is open.
        var outbound: AsyncStream<Etcdserverpb_WatchRequest>.Continuation?
        var closed = false
    }

    private let service: Etcdserverpb_Watch.Client<Transport>
    private let endpointList: String
    private let state = Mutex(State())

    init(service: Etcdserverpb_Watch.Client<Transport>, endpointList: String) {
        self.service = service
        self.endpointList = endpointList
    }

    /// Returns once `key` is deleted at a revision after `afterRevision`. Starting the watch at
    /// `afterRevision + 1` (the revision the caller's Range saw the key at) replays a delete that happened
    /// between that Range and this watch. Cancelling the calling task cancels the watch.
    func waitForDeletion(of key: Data, afterRevision: Int64) async throws(EtcdError) {
        let id = state.withLock { state -> Int64 in
            defer { state.nextID += 1 }
            return state.nextID
        }
        do {
            try await withTaskCancellationHandler {
                try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                    register(id: id, key: key, afterRevision: afterRevision, continuation: continuation)
                    // A task cancelled before it registered ran the handler below with nothing to end.
                    if Task.isCancelled {
                        finish(id, with: .failure(EtcdError(.cancelled, call: call, detail: "the wait was cancelled")), cancelOnServer: true)
                    }
                }
            } onCancel: {
                finish(id, with: .failure(EtcdError(.cancelled, call: call, detail: "the wait was cancelled")), cancelOnServer: true)
            }
        } catch let error as EtcdError {
            throw error
        } catch {
            throw EtcdError.from(error, call: "Watch.Watch", endpoints: endpointList)
        }
    }

    /// Ends the stream; every waiter fails `cancelled`.
    func close() {
        let (waiters, outbound) = state.withLock { state in
            state.closed = true
            defer {
                state.waiters.removeAll()
                state.outbound = nil
            }
            return (Array(state.waiters.values), state.outbound)
        }
        outbound?.finish()
        for waiter in waiters {
            waiter.continuation.resume(throwing: EtcdError(.cancelled, call: call, detail: "the etcd connection closed"))
        }
    }

    private var call: String { "etcd \(endpointList) Watch.Watch" }

    private func register(id: Int64, key: Data, afterRevision: Int64, continuation: CheckedContinuation<Void, any Error>) {
        var create = Etcdserverpb_WatchCreateRequest()
        create.key = key
        create.startRevision = afterRevision + 1
        create.watchID = id
        // Puts of the key cannot happen (only its owner writes it, once); skip them anyway.
        create.filters = [.noput]
        let request = Etcdserverpb_WatchRequest.with { $0.createRequest = create }
        let outbound = state.withLock { state -> AsyncStream<Etcdserverpb_WatchRequest>.Continuation? in
            guard !state.closed else { return nil }
            state.waiters[id] = Waiter(key: key, continuation: continuation)
            if let outbound = state.outbound { return outbound }
            let (requests, outbound) = AsyncStream<Etcdserverpb_WatchRequest>.makeStream()
            state.outbound = outbound
            Task { await self.run(requests: requests, outbound: outbound) }
            return outbound
        }
        guard let outbound else {
            return continuation.resume(throwing: EtcdError(.cancelled, call: call, detail: "the etcd connection closed"))
        }
        outbound.yield(request)
    }

    /// Runs one Watch stream until it breaks or the hub closes; its waiters then fail `unavailable`, which
    /// the recipe retries (looking again, on a new stream).
    private func run(requests: AsyncStream<Etcdserverpb_WatchRequest>, outbound: AsyncStream<Etcdserverpb_WatchRequest>.Continuation) async {
        var failure = EtcdError(.unavailable, call: call, detail: "the watch stream ended")
        do {
            try await service.watch(options: EtcdConnection.streamOptions, requestProducer: { writer in
                for await request in requests { try await writer.write(request) }
            }, onResponse: { response in
                for try await message in response.messages { self.deliver(message) }
            })
        } catch {
            failure = EtcdError.from(error, call: "Watch.Watch", endpoints: endpointList)
            if failure.code != .cancelled { failure.code = .unavailable }
        }
        // Every waiter registered on this stream (a new one opens only after this clears `outbound`), those
        // that came after it broke included: their creates went nowhere.
        let orphans = state.withLock { state -> [Waiter] in
            state.outbound = nil
            defer { state.waiters.removeAll() }
            return Array(state.waiters.values)
        }
        outbound.finish()
        for waiter in orphans { waiter.continuation.resume(throwing: failure) }
    }

    private func deliver(_ message: Etcdserverpb_WatchResponse) {
        let id = message.watchID
        if message.canceled || message.compactRevision != 0 {
            let reason = message.cancelReason.isEmpty ? "compacted at \(message.compactRevision)" : message.cancelReason
            let key = state.withLock { $0.waiters[id]?.key } ?? Data()
            return finish(id, with: .failure(EtcdError(.server, call: call, detail: "the watch on \(String(decoding: key, as: UTF8.self)) was cancelled by etcd: \(reason)")),
                          cancelOnServer: false)
        }
        guard let key = state.withLock({ $0.waiters[id]?.key }) else { return }
        if message.events.contains(where: { $0.type == .delete && $0.kv.key == key }) {
            finish(id, with: .success(()), cancelOnServer: true)
        }
    }

    /// Resumes waiter `id` (once: a later call finds it gone) and, if asked, ends its watch on the server.
    private func finish(_ id: Int64, with result: Result<Void, EtcdError>, cancelOnServer: Bool) {
        let (waiter, outbound) = state.withLock { state in (state.waiters.removeValue(forKey: id), state.outbound) }
        guard let waiter else { return }
        if cancelOnServer, let outbound {
            var cancel = Etcdserverpb_WatchCancelRequest()
            cancel.watchID = id
            outbound.yield(Etcdserverpb_WatchRequest.with { $0.cancelRequest = cancel })
        }
        switch result {
        case .success: waiter.continuation.resume()
        case .failure(let error): waiter.continuation.resume(throwing: error)
        }
    }
}
