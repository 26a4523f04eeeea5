import Foundation
import NATSClient
import NATSWire
import TestSupport
import Testing

extension NATSClusterTests {
    /// The cluster's certificates name its host only (`DNS:localhost`, no IP entry) and its nodes
    /// announce one another by address (127.0.0.1): the client, given `tls://localhost:…`, checks
    /// the nodes it learned of against that name, and moves to one when its node is killed.
    @Test func overTLSTheClientMovesToANodeAnnouncedByAddress() async throws {
        let certificates = try await TestCertificates(serverNames: "DNS:localhost")
        defer { certificates.remove() }
        let cluster = try NATSCluster(size: 3, configuration: certificates.serverConfiguration())
        defer { cluster.stop() }
        let (first, second, third) = (cluster.nodes[0], cluster.nodes[1], cluster.nodes[2])
        func options(_ node: NATSServer) -> NATSOptions {
            var options = NATSOptions(servers: ["tls://localhost:\(node.port)"], name: "switchboard-tests")
            options.tls = NATSTLSOptions(caFile: certificates.caFile)
            options.randomizeServers = false
            options.maxReconnectAttempts = 3
            return options
        }
        let client = try await NATSConnection.connect(options(first))
        let others = Set([second.port, third.port])
        for _ in 0..<200 where !others.isSubset(of: await client.serverPool().map(\.address.port)) {
            try await Task.sleep(for: .milliseconds(50))
        }
        let announced = await client.serverPool().filter { others.contains($0.address.port) }.map(\.address)
        try #require(announced.count == 2, "connect_urls announce the other nodes: \(announced)")
        #expect(announced.allSatisfy { $0.host == "127.0.0.1" && $0.tls && $0.tlsName == "localhost" }, "\(announced)")
        let subscription = try await client.subscribe("tls.cluster.news")
        try await client.flush()
        let publisher = try await NATSConnection.connect(options(second))

        #expect(first.send(SIGKILL))
        let seen = await events(of: client) {
            switch $0 {
            case .reconnected, .closed: true
            default: false
            }
        }
        guard case .reconnected(let now)? = seen.last else {
            Issue.record("the client did not move to another node: \(seen)")
            return
        }
        #expect(now.host == "127.0.0.1" && others.contains(now.port), "\(now)")
        #expect(try await receivesAcrossTheCluster(subscription, from: publisher, subject: "tls.cluster.news")?.hasPrefix("hello") == true)
        await client.close()
        await publisher.close()
    }
}
