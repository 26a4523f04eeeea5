import NIOCore
import NIOPosix
import Synchronization

/// A TCP relay on a free loopback port to a server on another: each accepted connection gets its
/// own connection to the server, and bytes flow both ways unchanged, except what a test injects
/// towards the clients (a protocol error a real server never sends, in the middle of its stream).
public final class TCPProxy: Sendable {
    public let port: Int
    private let listener: any Channel
    private let state = Connections()

    private final class Connections: Sendable {
        let mutex = Mutex<(clients: [any Channel], accepted: Int)>(([], 0))
        func withLock<T>(_ body: (inout (clients: [any Channel], accepted: Int)) -> T) -> T { mutex.withLock { body(&$0) } }
    }

    /// Connections accepted so far.
    public var accepted: Int { state.withLock { $0.accepted } }

    public init(to targetPort: Int, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) async throws {
        let state = self.state
        listener = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { client in
                ClientBootstrap(group: client.eventLoop)
                    .connect(host: "127.0.0.1", port: targetPort)
                    .flatMapThrowing { server in
                        try client.pipeline.syncOperations.addHandler(Relay(to: server))
                        try server.pipeline.syncOperations.addHandler(Relay(to: client))
                        state.withLock {
                            $0.clients.append(client)
                            $0.accepted += 1
                        }
                    }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        port = listener.localAddress?.port ?? 0
    }

    /// Writes `text` to every client connection, wherever the relay is in the server's stream (it
    /// relays reads as they come, so this may land inside one of the server's operations).
    public func inject(_ text: String) {
        for client in state.withLock({ $0.clients }) where client.isActive {
            client.writeAndFlush(ByteBuffer(string: text), promise: nil)
        }
    }

    public func close() async {
        try? await listener.close()
        for client in state.withLock({ $0.clients }) { try? await client.close() }
    }

    /// Forwards what one side reads to the other; either side's end closes both.
    private final class Relay: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        let peer: any Channel

        init(to peer: any Channel) { self.peer = peer }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            peer.writeAndFlush(unwrapInboundIn(data), promise: nil)
        }

        func channelInactive(context: ChannelHandlerContext) {
            peer.close(promise: nil)
            context.fireChannelInactive()
        }
    }
}
