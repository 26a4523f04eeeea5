import NATSClient
import TestSupport
import Testing

@Suite struct ServerAddressTests {
    @Test func parsesURLsAndHostPorts() throws {
        let full = try #require(ServerAddress("tls://alice:s3cret@nats.example.com:4443/"))
        #expect(full.host == "nats.example.com" && full.port == 4443 && full.tls && full.user == "alice" && full.password == "s3cret")
        #expect(full.description == "tls://nats.example.com:4443", "credentials never appear in the description")
        #expect(ServerAddress("127.0.0.1") == ServerAddress(host: "127.0.0.1", port: 4222))
        #expect(ServerAddress("nats://[::1]:4223") == ServerAddress(host: "::1", port: 4223))
        #expect(ServerAddress("[::1]")?.description == "nats://[::1]:4222")
        #expect(ServerAddress("nats://token@localhost")?.user == "token")
        for bad in ["", "http://x", "nats://", "host:0", "host:70000", "host:port", "[::1", "a b:1", "nats://u:p%4@h", "nats://u%zz@h", "nats://u:%ff@h"] {
            #expect(ServerAddress(bad) == nil, "\(bad)")
        }
    }

    /// Credentials as URLs escape them (nats.go reads them so): `@`, `:` and `/` in a password.
    @Test func credentialsArePercentDecoded() throws {
        let address = try #require(ServerAddress("nats://us%40er:p%3Aw%2F%40d%C3%A9@host:4222"))
        #expect(address.user == "us@er" && address.password == "p:w/@dé" && address.host == "host")
        #expect(ServerAddress("nats://t%6Fken@host")?.user == "token")
    }

    /// `dump` (and debuggers, and Mirror-based loggers) show no secret either.
    @Test func dumpsRedactTheSecrets() {
        var options = NATSOptions(servers: ["nats://alice:s3cret@host"], name: "x")
        options.token = "t0ken"
        options.password = "pa55"
        var dumped = ""
        dump(options, to: &dumped)
        dump(ServerAddress("nats://alice:s3cret@host")!, to: &dumped)
        dump(ConnectionEvent.disconnected(ServerAddress("nats://urlt0ken@host")!), to: &dumped)
        for secret in ["s3cret", "t0ken", "pa55", "urlt0ken"] { #expect(!dumped.contains(secret), "\(dumped)") }
        #expect(dumped.contains("alice") && dumped.contains("<redacted>"))
    }
}

@Suite struct ServerPoolTests {
    let servers = ["nats://a:4222", "nats://b:4222", "nats://c:4222"].compactMap(ServerAddress.init)

    @Test func roundRobinInTheGivenOrderWhenNotRandomized() {
        var random = SeededGenerator(seed: 1)
        var pool = ServerPool(servers + [servers[0]], randomize: false, using: &random)
        #expect(pool.addresses == servers, "duplicates collapse")
        #expect((0..<4).compactMap { _ in pool.next()?.host } == ["a", "b", "c", "a"])
    }

    @Test func randomOrderIsSeededAndComplete() {
        var first = SeededGenerator(seed: 3), second = SeededGenerator(seed: 3)
        let a = ServerPool(servers, using: &first), b = ServerPool(servers, using: &second)
        #expect(a.addresses == b.addresses)
        #expect(Set(a.addresses) == Set(servers))
    }

    @Test func serversThatKeepFailingLeaveThePool() {
        var random = SeededGenerator(seed: 1)
        var pool = ServerPool(servers, randomize: false, maxReconnectAttempts: 2, using: &random)
        pool.failed(servers[1])
        #expect(pool.addresses.map(\.host) == ["a", "b", "c"], "one failed attempt of the two allowed")
        pool.failed(servers[1])
        #expect(pool.addresses.map(\.host) == ["a", "c"], "two attempts, both failed (nats.go's MaxReconnect)")
        pool.failed(servers[0])
        pool.connected(to: servers[0])
        pool.failed(servers[0])
        #expect(pool.addresses.map(\.host) == ["a", "c"], "a success forgives earlier failures")
        var forever = ServerPool(servers, randomize: false, maxReconnectAttempts: nil, using: &random)
        for _ in 0..<1000 { forever.failed(servers[2]) }
        #expect(forever.addresses.count == 3)
    }

    @Test func discoveredServersJoinOnceWithTheCurrentCredentials() {
        var random = SeededGenerator(seed: 1)
        var pool = ServerPool([ServerAddress("tls://u:p@a:4222")!], randomize: false, using: &random)
        let added = pool.discovered(["a:4222", "10.0.0.2:4222", "10.0.0.2:4222", "[::1]:5222", "not a url"], like: pool.addresses[0], using: &random)
        #expect(added == 2)
        #expect(pool.addresses.map(\.description) == ["tls://a:4222", "tls://10.0.0.2:4222", "tls://[::1]:5222"])
        #expect(pool.entries.map(\.isDiscovered) == [false, true, true])
        #expect(pool.addresses[1].user == "u" && pool.addresses[1].password == "p")
        #expect(pool.discovered(["10.0.0.2:4222"], like: nil, using: &random) == 0)
    }

    /// A server announced by IP address is checked against the certificate name of the URL given,
    /// as nats.go does; one announced by name, or learned from a server given by address, by its own.
    @Test func serversAnnouncedByAddressKeepTheGivenHostNameForTLS() {
        var random = SeededGenerator(seed: 1)
        var pool = ServerPool([ServerAddress("tls://nats.example.com:4222")!], randomize: false, using: &random)
        pool.discovered(["10.0.0.2:4222", "[::1]:5222", "other.example.com:4222"], like: pool.addresses[0], using: &random)
        #expect(pool.addresses.map(\.tlsName) == [nil, "nats.example.com", "nats.example.com", nil])
        #expect(pool.addresses[1].description == "tls://10.0.0.2:4222", "the name is not part of the address shown")
        // Learned from the announced server in turn: the name passes on.
        pool.discovered(["10.0.0.3:4222"], like: pool.addresses[1], using: &random)
        #expect(pool.addresses.last?.tlsName == "nats.example.com")

        var byAddress = ServerPool([ServerAddress("tls://10.0.0.1:4222")!], randomize: false, using: &random)
        byAddress.discovered(["10.0.0.2:4222"], like: byAddress.addresses[0], using: &random)
        #expect(byAddress.addresses.map(\.tlsName) == [nil, nil])
    }

    /// A newer list replaces the servers learned before (not those given, nor the one in use).
    @Test func serversNoLongerAnnouncedLeaveThePool() {
        var random = SeededGenerator(seed: 1)
        var pool = ServerPool([ServerAddress("a:4222")!], randomize: false, using: &random)
        let current = pool.next()!
        pool.discovered(["a:4222", "b:4222", "c:4222"], like: current, using: &random)
        #expect(pool.addresses.map(\.host) == ["b", "c", "a"])
        pool.discovered(["a:4222", "c:4222", "d:4222"], like: current, using: &random)
        #expect(pool.addresses.map(\.host) == ["c", "d", "a"], "b is gone from the cluster")
        pool.discovered([], like: current, using: &random)
        #expect(pool.addresses.map(\.host) == ["c", "d", "a"], "an INFO without the list changes nothing")
        // The server in use stays although no longer announced; a server given always does.
        #expect(pool.next()?.host == "c")
        pool.discovered(["x:4222"], like: ServerAddress("c:4222"), using: &random)
        #expect(Set(pool.addresses.map(\.host)) == ["a", "c", "x"])
    }

    @Test func theServerInUseStaysBehindTheServersItAnnounces() {
        var random = SeededGenerator(seed: 1)
        var pool = ServerPool([ServerAddress("a:4222")!], randomize: false, using: &random)
        let current = pool.next()!
        pool.discovered(["a:4222", "b:4222", "c:4222"], like: current, using: &random)
        #expect(pool.addresses.map(\.host) == ["b", "c", "a"])
        #expect(pool.next()?.host == "b", "when a goes, a server it announced is tried first")
        pool.discovered(["a:4222", "b:4222", "c:4222", "d:4222"], like: ServerAddress("b:4222"), using: &random)
        #expect(pool.addresses.map(\.host) == ["c", "a", "d", "b"])
    }
}
