import Redis
import Synchronization
import TestSupport

/// Starts a redis-server on a free loopback port, gives the test a client, and stops both.
func withRedis<T>(
    serverArguments: [String] = [], configure: (inout RedisOptions) -> Void = { _ in },
    _ body: (RedisServer, RedisClient) async throws -> T
) async throws -> T {
    let server = try RedisServer(arguments: serverArguments)
    var options = RedisOptions(port: server.port, connectTimeout: .seconds(2), commandTimeout: .seconds(5))
    configure(&options)
    let client = RedisClient(options: options)
    do {
        let result = try await body(server, client)
        await client.close()
        server.stop()
        return result
    } catch {
        await client.close()
        server.stop()
        throw error
    }
}

/// A monotonic clock that moves only when told (for breakers).
final class ManualClock: Sendable {
    private let current = Mutex(Duration.zero)
    var now: @Sendable () -> Duration { { self.current.withLock { $0 } } }
    func advance(by duration: Duration) { current.withLock { $0 += duration } }
}

/// A value shared by the tasks of a test.
final class Shared<Value: Sendable>: Sendable {
    private let value: Mutex<Value>
    init(_ value: Value) { self.value = Mutex(value) }
    var current: Value { value.withLock { $0 } }
    func update<R>(_ body: (inout Value) -> R) -> R { value.withLock { body(&$0) } }
}
