import HTTPTypes
import Hummingbird
import HummingbirdCore
import Logging
import NATSClient
import NIOCore
import NIOHTTP1
import NIOHTTPTypesHTTP1

/// Serves one HTTP/1.1 connection with the gateway's Hummingbird responder (router and
/// middleware), straight from NIO's request decoder: each request, once its body is in, runs as
/// a task that prefers the connection's event loop, and its response is encoded into one buffer
/// and written from there with one flush. Nothing is queued between the socket and the route, no
/// task waits on the connection between requests, and no other handler sits on the write path.
///
/// - Pipelined requests wait in order behind the one in flight; reads pause past a few, and while
///   the client does not take its responses (the channel is not writable), so that a client that
///   only sends cannot make the gateway hold responses without end.
/// - Bodies are kept up to `maxBodyBytes + 1` bytes: a longer one reaches the route cut there, so
///   that collecting it fails with 413 as it would while streaming; the rest is read and dropped.
///   `Expect: 100-continue` is answered at once (with 413 when the declared length is too long).
/// - A connection without a request for `idleTimeout` is closed; when the server quiesces
///   (graceful shutdown) an idle connection closes at once and a busy one after its response.
/// - A request NIO cannot parse gets 400 and the connection closes.
final class HTTPConnectionHandler<Responder: HTTPResponder>: ChannelDuplexHandler, RemovableChannelHandler
where Responder.Context: InitializableFromSource<ApplicationRequestContextSource> {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundIn = Never
    typealias OutboundOut = ByteBuffer

    struct Settings: Sendable {
        var maxBodyBytes: Int
        var idleTimeout: TimeAmount
        var serverName: String
        var logger: Logger
    }

    /// Requests that may wait behind the one in flight before reading pauses.
    static var maxQueued: Int { 8 }

    private let responder: Responder
    private let settings: Settings
    private var executor: EventLoopTaskExecutor?
    /// The request being read: its head, whether to keep the connection, and its body so far.
    private var reading: (head: HTTPRequestHead, body: ByteBuffer)?
    private var queued: [(head: HTTPRequestHead, body: ByteBuffer)] = []
    private var inFlight = false
    private var closing = false
    private var readPending = false
    private var lastActivity = NIODeadline.now()
    private var idleCheck: Scheduled<Void>?

    init(responder: Responder, settings: Settings) {
        self.responder = responder
        self.settings = settings
    }

    // MARK: Lifecycle

    func handlerAdded(context: ChannelHandlerContext) {
        executor = EventLoopTaskExecutor(context.eventLoop)
        scheduleIdleCheck(context: context, in: settings.idleTimeout)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        idleCheck?.cancel()
        idleCheck = nil
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard event is ChannelShouldQuiesceEvent else { return context.fireUserInboundEventTriggered(event) }
        closing = true
        if !inFlight && reading == nil { context.close(promise: nil) }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        settings.logger.debug("HTTP error, closing the connection", metadata: ["error": "\(error)"])
        guard error is HTTPParserError, !inFlight, context.channel.isActive else { return context.close(promise: nil) }
        closing = true
        let response = HTTPResponse(status: .badRequest, headerFields: [.connection: "close"])
        writeResponse(response, body: ByteBuffer(), headOnly: false, context: context)
    }

    // MARK: Reading

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        lastActivity = .now()
        switch unwrapInboundIn(data) {
        case .head(let head):
            reading = (head, ByteBuffer())
            if head.headers.first(name: "expect")?.lowercased() == "100-continue" { answerExpectation(head, context: context) }
        case .body(var part):
            guard var request = reading else { return }
            reading = nil  // keeps the body's storage uniquely referenced while it grows
            let room = settings.maxBodyBytes + 1 - request.body.readableBytes
            if room > 0, let kept = part.readSlice(length: min(room, part.readableBytes)) {
                if request.body.capacity == 0 { request.body = kept } else { request.body.writeImmutableBuffer(kept) }
            }
            reading = request
        case .end:
            guard let request = reading else { return }
            reading = nil
            if inFlight || !queued.isEmpty {
                queued.append(request)
            } else {
                start(request, context: context)
            }
        }
    }

    /// Holds reads while too many pipelined requests wait or responses are not taken.
    func read(context: ChannelHandlerContext) {
        if queued.count >= Self.maxQueued || !context.channel.isWritable { readPending = true } else { context.read() }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { startNext(context: context) }
        context.fireChannelWritabilityChanged()
    }

    private func answerExpectation(_ head: HTTPRequestHead, context: ChannelHandlerContext) {
        if let length = head.headers.first(name: "content-length").flatMap(Int.init), length > settings.maxBodyBytes {
            return  // the route answers 413 once the (cut) body is in
        }
        context.writeAndFlush(wrapOutboundOut(ByteBuffer(staticString: "HTTP/1.1 100 Continue\r\n\r\n")), promise: nil)
    }

    // MARK: Responding

    private func start(_ request: (head: HTTPRequestHead, body: ByteBuffer), context: ChannelHandlerContext) {
        let converted: HTTPRequest
        do {
            converted = try HTTPRequest(gatewayHead: request.head)
        } catch {
            closing = true
            let response = HTTPResponse(status: .badRequest, headerFields: [.connection: "close"])
            return writeResponse(response, body: ByteBuffer(), headOnly: false, context: context)
        }
        if !request.head.isKeepAlive { closing = true }
        inFlight = true
        let headOnly = request.head.method == .HEAD
        let keepAlive10 = request.head.version == .http1_0 && request.head.isKeepAlive
        let channel = context.channel
        let eventLoop = context.eventLoop
        let bound = NIOLoopBound((self, context), eventLoop: eventLoop)
        let (responder, logger) = (self.responder, settings.logger)
        let hummingbirdRequest = Request(head: converted, body: RequestBody(buffer: request.body))
        Task(executorPreference: executor) {
            let source = ApplicationRequestContextSource(channel: channel, logger: logger)
            var response: Response
            do {
                response = try await responder.respond(to: hummingbirdRequest, context: Responder.Context(source: source))
            } catch {
                logger.debug("unhandled error", metadata: ["error": "\(error)"])
                response = Response(status: .internalServerError)
            }
            let collector = BodyCollector()
            do { try await response.body.write(collector) } catch {
                logger.error("response body failed", metadata: ["error": "\(error)"])
                response = Response(status: .internalServerError)
                collector.buffer.clear()
            }
            if keepAlive10 { response.headers[.connection] = "keep-alive" }
            let (head, body) = (response.head, collector.buffer)
            if eventLoop.inEventLoop {
                let (handler, context) = bound.value
                handler.finish(head, body: body, headOnly: headOnly, context: context)
            } else {
                eventLoop.execute {
                    let (handler, context) = bound.value
                    handler.finish(head, body: body, headOnly: headOnly, context: context)
                }
            }
        }
    }

    /// Writes the response of the request in flight, then starts the next one waiting.
    private func finish(_ head: HTTPResponse, body: ByteBuffer, headOnly: Bool, context: ChannelHandlerContext) {
        inFlight = false
        lastActivity = .now()
        guard context.channel.isActive else { return }
        var head = head
        if closing { head.headerFields[.connection] = "close" }
        writeResponse(head, body: body, headOnly: headOnly, context: context)
        startNext(context: context)
    }

    /// Starts the next waiting request, unless one is in flight or responses are not taken; then
    /// reads again if reading waited.
    private func startNext(context: ChannelHandlerContext) {
        guard !closing, !inFlight, context.channel.isWritable else { return }
        if !queued.isEmpty { start(queued.removeFirst(), context: context) }
        if readPending, queued.count < Self.maxQueued {
            readPending = false
            context.read()
        }
    }

    private func writeResponse(_ head: HTTPResponse, body: ByteBuffer, headOnly: Bool, context: ChannelHandlerContext) {
        let bytes = HTTPResponseEncoding.encode(head, body: body, headOnly: headOnly, date: HTTPDate.now(), server: settings.serverName)
        guard closing else { return context.writeAndFlush(wrapOutboundOut(bytes), promise: nil) }
        let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
        context.writeAndFlush(wrapOutboundOut(bytes)).whenComplete { _ in bound.value.close(promise: nil) }
    }

    // MARK: Idle timeout

    /// One timer per connection, moved on only when it fires (requests just note the time).
    private func scheduleIdleCheck(context: ChannelHandlerContext, in delay: TimeAmount) {
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        idleCheck = context.eventLoop.scheduleTask(in: delay) {
            let (handler, context) = bound.value
            handler.idleCheck = nil
            let idleUntil = handler.lastActivity + handler.settings.idleTimeout
            if handler.inFlight || idleUntil > .now() {
                handler.scheduleIdleCheck(context: context, in: handler.inFlight ? handler.settings.idleTimeout : idleUntil - .now())
            } else {
                context.close(promise: nil)
            }
        }
    }
}

/// Gathers a response body (the gateway's bodies are small JSON documents, written whole); a
/// class, because `ResponseBody.write` consumes the writer it is given.
final class BodyCollector: ResponseBodyWriter {
    var buffer = ByteBuffer()

    func write(_ part: ByteBuffer) async throws {
        if buffer.capacity == 0 { buffer = part } else { buffer.writeImmutableBuffer(part) }
    }

    func write(contentsOf parts: some Sequence<ByteBuffer>) async throws {
        for part in parts { try await write(part) }
    }

    func finish(_ trailingHeaders: HTTPFields?) async throws {}
}
