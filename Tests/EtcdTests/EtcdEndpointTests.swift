import EtcdClient
import RedisConnection
import Testing

@Suite("etcd endpoint parsing")
struct EtcdEndpointTests {
    @Test("URLs, host:port and bare hosts", arguments: [
        ("http://127.0.0.1:2379", Endpoint.tcp(host: "127.0.0.1", port: 2379)),
        ("http://127.0.0.1:22379/", .tcp(host: "127.0.0.1", port: 22379)),
        ("10.0.0.5:2379", .tcp(host: "10.0.0.5", port: 2379)),
        ("etcd-0", .tcp(host: "etcd-0", port: 2379)),
        ("[::1]:2379", .tcp(host: "::1", port: 2379)),
        ("::1", .tcp(host: "::1", port: 2379)),
    ])
    func accepted(text: String, endpoint: Endpoint) throws {
        #expect(try EtcdEndpoint.parse(text) == endpoint)
    }

    @Test("TLS, Unix sockets, paths and bad ports are refused with the value named", arguments: [
        "https://127.0.0.1:2379", "unix:/tmp/etcd.sock", "http://127.0.0.1:2379/v3", "127.0.0.1:99999", "",
    ])
    func refused(text: String) {
        let error = #expect(throws: EtcdError.self) { try EtcdEndpoint.parse(text) }
        #expect(error?.description.contains("--etcd \(text)") == true)
    }
}
