public import NIOCore
import NIOPosix
import Synchronization

/// A small pool of pipelined connections (`RedisOptions.poolSize`, default 2), used in turn.
/// Each connection dials at its first command and redials after a loss. Commands that need one
/// connection for several steps (MULTI/EXEC, WATCH) go through `connection`.
public final class RedisClient: RedisCommandExecutor {
    public let options: RedisOptions
    public let connections: [RedisConnection]
    private let next = Atomic<Int>(0)

    public init(options: RedisOptions = RedisOptions(), eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) {
        precondition(options.poolSize > 0, "a pool needs at least one connection")
        self.options = options
        self.connections = (0..<options.poolSize).map { _ in RedisConnection(options: options, eventLoop: eventLoopGroup.next()) }
    }

    /// `RedisClient(options: RedisOptions(url: url))`.
    public convenience init(url: String, eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) throws(RedisError) {
        self.init(options: try RedisOptions(url: url), eventLoopGroup: eventLoopGroup)
    }

    /// The next connection in turn.
    public var connection: RedisConnection {
        connections[Int(UInt(bitPattern: next.wrappingAdd(1, ordering: .relaxed).oldValue) % UInt(connections.count))]
    }

    @discardableResult
    public func command(_ arguments: [RedisArgument]) async throws -> RedisReply {
        try await connection.command(arguments)
    }

    /// Sends the commands in one write on one connection; see `RedisConnection.pipeline`.
    public func pipeline(_ commands: [[RedisArgument]]) async throws -> [RedisReply] {
        try await connection.pipeline(commands)
    }

    /// The counters of all connections, summed.
    public var statistics: RedisStatistics { connections.map(\.statistics).reduce(RedisStatistics(), +) }

    public func close() async {
        for connection in connections { await connection.close() }
    }
}
