import NIOCore
import NIOPosix
import Synchronization

/// A TCP relay on a free loopback port to a server on another: each accepted connection gets its
/// own connection to the server, and bytes flow both ways unchanged, except what a test injects
/// towards the clients (a protocol error a real server never sends, in the middle of its stream)
/// and what it holds back for a while (`hold`, `release`: one side's answers arriving late), or
/// does not read at all for a while (`stopReading`, `resumeReading`: a receiver so slow that the
/// sender's socket fills).
public final class TCPProxy: Sendable {
    public enum Direction: Sendable {
        case towardsServer, towardsClients
    }

    public let port: Int
    private let listener: any Channel
    private let state = Connections()

    private final class Connections: Sendable {
        struct State {
            var clients: [any Channel] = []
            var relays: [Relay] = []
            var accepted = 0
            var held: Set<Direction> = []
        }
        let mutex = Mutex(State())
        /// `PING` operations read from the clients so far.
        let pingsFromClients = Atomic(0)
        func withLock<T>(_ body: (inout State) -> T) -> T { mutex.withLock { body(&$0) } }
    }

    /// Connections accepted so far.
    public var accepted: Int { state.withLock { $0.accepted } }

    /// `PING`s the clients sent so far (all connections), relayed or held.
    public var pingsFromClients: Int { state.pingsFromClients.load(ordering: .relaxed) }

    public init(to targetPort: Int, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) async throws {
        let state = self.state
        listener = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { client in
                ClientBootstrap(group: client.eventLoop)
                    .connect(host: "127.0.0.1", port: targetPort)
                    .flatMapThrowing { server in
                        let up = Relay(from: client, to: server, .towardsServer, state)
                        let down = Relay(from: server, to: client, .towardsClients, state)
                        try client.pipeline.syncOperations.addHandler(up)
                        try server.pipeline.syncOperations.addHandler(down)
                        state.withLock {
                            $0.clients.append(client)
                            $0.relays += [up, down]
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

    /// Keeps what is read in `direction` from now on until `release(direction)`.
    public func hold(_ direction: Direction) {
        state.withLock { _ = $0.held.insert(direction) }
    }

    /// Relays what was held in `direction`, in order, and what comes next as usual.
    public func release(_ direction: Direction) async {
        let relays = state.withLock { state in
            state.held.remove(direction)
            return state.relays.filter { $0.direction == direction }
        }
        for relay in relays { try? await relay.peer.eventLoop.submit { relay.relayHeld() }.get() }
    }

    /// Stops reading in `direction` (from the clients: `.towardsServer`) on every connection: the
    /// sender's socket fills and its writes wait, until `resumeReading(direction)`.
    public func stopReading(_ direction: Direction) async {
        await setReading(direction, false)
    }

    public func resumeReading(_ direction: Direction) async {
        await setReading(direction, true)
    }

    private func setReading(_ direction: Direction, _ on: Bool) async {
        let sources = state.withLock { $0.relays.filter { $0.direction == direction }.map(\.source) }
        for source in sources { try? await source.setOption(.autoRead, value: on).get() }
    }

    public func close() async {
        try? await listener.close()
        for client in state.withLock({ $0.clients }) { try? await client.close() }
    }

    /// Forwards what one side reads to the other (unless held); either side's end closes both.
    /// Its queue is confined to the event loop both channels share.
    private final class Relay: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = ByteBuffer
        let source: any Channel
        let peer: any Channel
        let direction: Direction
        let state: Connections
        private var held: [ByteBuffer] = []

        init(from source: any Channel, to peer: any Channel, _ direction: Direction, _ state: Connections) {
            (self.source, self.peer, self.direction, self.state) = (source, peer, direction, state)
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let bytes = unwrapInboundIn(data)
            if direction == .towardsServer {
                let pings = String(buffer: bytes).components(separatedBy: "PING\r\n").count - 1
                if pings > 0 { state.pingsFromClients.add(pings, ordering: .relaxed) }
            }
            // Behind bytes still held, even once released: the order stays.
            if !held.isEmpty || state.withLock({ $0.held.contains(direction) }) {
                held.append(bytes)
                return
            }
            peer.writeAndFlush(bytes, promise: nil)
        }

        func relayHeld() {
            for bytes in held { peer.write(bytes, promise: nil) }
            held = []
            peer.flush()
        }

        func channelInactive(context: ChannelHandlerContext) {
            peer.close(promise: nil)
            context.fireChannelInactive()
        }
    }
}
