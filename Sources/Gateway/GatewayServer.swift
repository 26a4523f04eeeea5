import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1

/// How each accepted connection of the gateway is set up: NIO's HTTP/1.1 request decoder, then
/// ``HTTPConnectionHandler`` with the router, which also encodes the responses. HummingbirdCore's
/// `Server` accepts, limits the number of connections, and shuts down gracefully around it
/// (quiescing: idle connections close, busy ones after their response).
struct GatewayChildChannel<Responder: HTTPResponder>: ServerChildChannel
where Responder.Context: InitializableFromSource<ApplicationRequestContextSource> {
    struct Connection: ServerChildChannelValue {
        let channel: any Channel
    }

    let responder: Responder
    let settings: HTTPConnectionHandler<Responder>.Settings

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Connection> {
        channel.eventLoop.makeCompletedFuture {
            let pipeline = channel.pipeline.syncOperations
            try pipeline.addHandler(ByteToMessageHandler(HTTPRequestDecoder(leftOverBytesStrategy: .dropBytes)))
            try pipeline.addHandler(HTTPConnectionHandler(responder: responder, settings: settings))
            return Connection(channel: channel)
        }
    }

    /// The connection is served by its handlers; the server's task only waits for it to close.
    func handle(value: Connection, logger: Logger) async {
        await withTaskCancellationHandler {
            try? await value.channel.closeFuture.get()
        } onCancel: {
            value.channel.close(promise: nil)
        }
    }
}
