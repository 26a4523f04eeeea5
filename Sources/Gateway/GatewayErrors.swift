import Foundation
import HTTPTypes
import Hummingbird
import MessagingRuntime
import NIOCore

extension HTTPField.Name {
    static let correlationID = Self("X-Correlation-Id")!
    static let idempotencyKey = Self("Idempotency-Key")!
    static let traceparent = Self("traceparent")!
    /// W3C Trace Context level 2: the trace and span the gateway used, for the client's logs.
    static let traceresponse = Self("traceresponse")!
}

/// The request context of the gateway's routes: Hummingbird's, plus the correlation id.
public struct GatewayContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The client's `X-Correlation-Id`, or a new one: sent to the services and returned.
    public var correlationID = ""
    /// This hop of the request's trace: a child of the client's `traceparent`, or a new trace
    /// (set by the gateway's middleware for every request).
    public var trace: TraceContext?

    public init(source: ApplicationRequestContextSource) { coreContext = .init(source: source) }
}

/// An error answer of the gateway: an `ErrorReply` and, for 503, when to try again.
struct GatewayError: Error {
    var reply: ErrorReply
    var retryAfterSeconds: Int?

    init(_ status: Int, _ code: String, _ message: String, retryAfterSeconds: Int? = nil) {
        self.reply = ErrorReply(code: code, status: status, message: message)
        self.retryAfterSeconds = retryAfterSeconds
    }

    init(_ reply: ErrorReply, retryAfterSeconds: Int? = nil) {
        self.reply = reply
        self.retryAfterSeconds = retryAfterSeconds
    }
}

/// Gives every request a correlation id (the client's `X-Correlation-Id`, or a new one), returns
/// it on every response, and turns every error into the JSON error body
/// `{"error":{"code","status","message","issues"?,"correlationId"}}`: unknown routes (404),
/// oversized bodies (413), the gateway's own refusals and whatever else was thrown (500, with
/// the details only in the log).
struct GatewayMiddleware: RouterMiddleware {
    typealias Context = GatewayContext
    let metrics: HTTPMetrics
    let methods: MethodTable

    func handle(_ input: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        var context = context
        let correlationID = Self.acceptedCorrelationID(input.headers[.correlationID]) ?? RandomID.uuid()
        context.correlationID = correlationID
        context.trace = input.headers[.traceparent].flatMap(TraceContext.init(traceparent:))?.child() ?? .start()
        var response: Response
        do {
            response = try await next(input, context)
        } catch let error as GatewayError {
            response = Self.response(error, correlationID: correlationID)
        } catch let error as any HTTPResponseError where error.status == .notFound && !methods.methods(for: input.uri.path).isEmpty {
            let allowed = methods.methods(for: input.uri.path)
            response = Self.response(
                GatewayError(405, "method_not_allowed", "\(input.uri.path) answers \(allowed.joined(separator: ", ")), not \(input.method)"),
                correlationID: correlationID)
            response.headers[.allow] = allowed.joined(separator: ", ")
        } catch let error as any HTTPResponseError {
            let status = Int(error.status.code)
            let code = status == 404 ? "not_found" : status == 413 ? "payload_too_large" : status == 405 ? "method_not_allowed" : "http_\(status)"
            let message = status == 404 ? "no route for \(input.method) \(input.uri.path)" : error.status.reasonPhrase
            response = Self.response(GatewayError(status, code, message), correlationID: correlationID)
        } catch {
            context.logger.error("gateway failure", metadata: ["correlationId": "\(correlationID)", "error": "\(error)"])
            response = Self.response(GatewayError(500, ErrorReply.internalError, "internal error"), correlationID: correlationID)
        }
        response.headers[.correlationID] = correlationID
        if let trace = context.trace { response.headers[.traceresponse] = trace.traceparent }
        let route = context.endpointPath ?? "unmatched"
        metrics.record(method: input.method.rawValue, route: route, status: Int(response.status.code), duration: ContinuousClock.now - start)
        return response
    }

    /// A client's id is kept when it is a reasonable token (printable ASCII, at most 128 bytes).
    static func acceptedCorrelationID(_ value: String?) -> String? {
        guard let value, !value.isEmpty, value.utf8.count <= 128, value.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else { return nil }
        return value
    }

    static func response(_ error: GatewayError, correlationID: String) -> Response {
        let body = error.reply.jsonValue(extra: [.init(key: "correlationId", value: .string(correlationID))]).serializedBytes()
        var headers: HTTPFields = [.contentType: "application/json"]
        if let retryAfter = error.retryAfterSeconds { headers[.retryAfter] = String(retryAfter) }
        return Response(status: .init(code: error.reply.status), headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}
