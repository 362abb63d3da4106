import EtcdProto
import GRPCCore
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension EtcdConnection {
    /// Returns once `key` is deleted at a revision after `afterRevision` (a watch, not polling).
    ///
    /// One Watch stream per wait: the waiter's own stream ends with the wait, so nothing has to route
    /// events between waiters. Starting at `afterRevision + 1` (the revision the caller's Range saw the
    /// key at) replays a delete that happened between that Range and this watch.
    func waitForDeletion(of key: Data, afterRevision: Int64) async throws(EtcdError) {
        var create = Etcdserverpb_WatchCreateRequest()
        create.key = key
        create.startRevision = afterRevision + 1
        // Puts of the key cannot happen (only its owner writes it, once); skip them anyway.
        create.filters = [.noput]
        let request = Etcdserverpb_WatchRequest.with { $0.createRequest = create }
        try await call("Watch.Watch") {
            try await watchService.watch(options: Self.streamOptions, requestProducer: { writer in
                // Half-closing after the create is fine: etcd keeps a watch stream's watches after the
                // client's side ends (its receive loop returns without error on EOF).
                try await writer.write(request)
            }, onResponse: { response in
                for try await message in response.messages {
                    if message.canceled || message.compactRevision != 0 {
                        throw EtcdError(.server, call: "Watch.Watch", detail: "the watch on \(String(decoding: key, as: UTF8.self)) was cancelled by etcd: \(message.cancelReason.isEmpty ? "compacted at \(message.compactRevision)" : message.cancelReason)")
                    }
                    if message.events.contains(where: { $0.type == .delete && $0.kv.key == key }) { return }
                }
                throw RPCError(code: .unavailable, message: "the watch stream ended before \(String(decoding: key, as: UTF8.self)) was deleted")
            })
        }
    }

    /// Runs a LeaseKeepAlive stream: sends each lease id `ids` yields, hands every answer to `onAnswer`
    /// (TTL 0 means the lease is gone), and returns when `ids` finishes; throws when the stream breaks.
    func keepAlive(ids: AsyncStream<Int64>, onAnswer: @escaping @Sendable (Etcdserverpb_LeaseKeepAliveResponse) -> Void) async throws(EtcdError) {
        try await call("Lease.LeaseKeepAlive") {
            try await lease.leaseKeepAlive(options: Self.streamOptions, requestProducer: { writer in
                for await id in ids {
                    var request = Etcdserverpb_LeaseKeepAliveRequest()
                    request.id = id
                    try await writer.write(request)
                }
            }, onResponse: { response in
                for try await message in response.messages { onAnswer(message) }
            })
        }
    }
}
