public import NIOCore
import NIOPosix

/// One connection per event loop of a group, for a process whose work already runs on those loops
/// (an HTTP server's connections): code running on a loop uses the connection on that loop, so a
/// request is written and its reply read on the thread that asked, with no hop between loops.
///
/// Measured on this project's 2-core machine (the gateway workload, `scripts/bench-gateway.sh`
/// with binaries alternating): 2–16 % more requests/s than one connection shared by both loops,
/// and less CPU per request in the gateway. Each connection is an ordinary ``NATSConnection``
/// with the same options (its own reconnects, inbox and statistics); a server sees one client per
/// loop.
public final class NATSConnectionGroup: Sendable {
    /// The connections, one per loop, in the group's order.
    public let connections: [NATSConnection]

    /// Groups connections made elsewhere (at least one); ``current`` picks among them by loop.
    public init(_ connections: [NATSConnection]) {
        precondition(!connections.isEmpty, "a connection group needs a connection")
        self.connections = connections
    }

    /// Connects once per event loop of `eventLoopGroup`, each connection on its own loop.
    /// - Throws: `NATSClientError` when a connection cannot be made; those made are closed.
    public static func connect(
        _ options: NATSOptions, eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws -> NATSConnectionGroup {
        var connections: [NATSConnection] = []
        do {
            for loop in eventLoopGroup.makeIterator() {
                connections.append(try await NATSConnection.connect(options, eventLoopGroup: loop))
            }
        } catch {
            for connection in connections { await connection.close() }
            throw error
        }
        return NATSConnectionGroup(connections)
    }

    /// The connection on the calling thread's event loop (off the group's loops, the first); when
    /// that one has been without a server for a second (`isAway()`), another that has one, so
    /// that one connection stuck reconnecting does not fail the requests of its loop.
    public var current: NATSConnection {
        guard connections.count > 1 else { return connections[0] }
        var own = connections[0]
        if let loop = MultiThreadedEventLoopGroup.currentEventLoop {
            for connection in connections where connection.eventLoop === loop { own = connection }
        }
        guard own.isAway() else { return own }
        return connections.first(where: \.isReady) ?? connections.first { !$0.isAway() } ?? own
    }

    /// True while a connection of the group has a server (requests can go out: ``current``
    /// picks it).
    public var isReady: Bool { connections.contains(where: \.isReady) }

    /// Drains every connection (see ``NATSConnection/drain()``), all at once.
    public func drain() async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for connection in connections { group.addTask { try await connection.drain() } }
            try await group.waitForAll()
        }
    }

    /// Closes every connection.
    public func close() async {
        await withTaskGroup(of: Void.self) { group in
            for connection in connections { group.addTask { await connection.close() } }
        }
    }
}
