import Testing

@testable import Redis

@Suite struct RedisOptionsTests {
    @Test func defaults() throws {
        let options = try RedisOptions(url: "redis://")
        #expect(options.host == "127.0.0.1" && options.port == 6379 && options.database == 0)
        #expect(options.username == nil && options.password == nil)
    }

    @Test func fullURL() throws {
        let options = try RedisOptions(url: "redis://alice:p%40ss%3Aword@cache.local:6380/3")
        #expect(options.host == "cache.local")
        #expect(options.port == 6380)
        #expect(options.username == "alice")
        #expect(options.password == "p@ss:word")
        #expect(options.database == 3)
    }

    @Test func passwordAloneAndIPv6() throws {
        let password = try RedisOptions(url: "redis://:secret@127.0.0.1")
        #expect(password.username == nil && password.password == "secret")
        let bare = try RedisOptions(url: "redis://secret@host")
        #expect(bare.password == "secret" && bare.host == "host")
        let ipv6 = try RedisOptions(url: "redis://[::1]:7000/1?timeout=1")
        #expect(ipv6.host == "::1" && ipv6.port == 7000 && ipv6.database == 1)
    }

    @Test(arguments: [
        ("http://localhost", "expected redis://host[:port][/db]"),
        ("rediss://localhost", "TLS (rediss://) is not supported"),
        ("redis://localhost:0", "port '0' is not 1...65535"),
        ("redis://localhost:http", "port 'http' is not 1...65535"),
        ("redis://localhost/x", "database 'x' is not a number"),
        ("redis://[::1", "unclosed '[' in the host"),
        ("redis://a:%zz@localhost", "bad percent-encoding in the credentials"),
    ])
    func badURLsSayWhy(url: String, reason: String) {
        #expect(throws: RedisError(.invalidArgument, "'\(RedisOptions.shown(url))': \(reason)")) { try RedisOptions(url: url) }
    }

    @Test func errorsAndLogsShowNoCredentials() {
        for url in ["redis://alice:hunter2@localhost:0", "redis://hunter2@localhost/x", "redis://:hunter2@[::1"] {
            #expect(throws: RedisError.self) { try RedisOptions(url: url) }
            do {
                _ = try RedisOptions(url: url)
            } catch {
                #expect(!"\(error)".contains("hunter2") && "\(error)".contains("redis://<redacted>@"), "\(error)")
            }
        }
        #expect(RedisOptions.shown("redis://127.0.0.1:6379") == "redis://127.0.0.1:6379")
    }

    @Test func descriptionHidesThePassword() throws {
        let options = try RedisOptions(url: "redis://alice:hunter2@localhost:6380/2")
        #expect(!options.description.contains("hunter2"))
        #expect(options.description.hasPrefix("redis://alice:<redacted>@localhost:6380/2"))
    }
}
