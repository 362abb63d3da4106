import EtcdProto
import GRPCCore
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension EtcdConnection {
    /// Returns once `key` is deleted at a revision after `afterRevision` (a watch on the channel's one
    /// Watch stream, not polling).
    func waitForDeletion(of key: Data, afterRevision: Int64) async throws(EtcdError) {
        try await watches.waitForDeletion(of: key, afterRevision: afterRevision)
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
