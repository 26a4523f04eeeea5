import Foundation
import HTTPTypes
import Hummingbird
import MessagingRuntime
import NATSClient
import NATSWire
import NIOCore

/// One generated route: HTTP request → caller check → JSON → generated validator → envelope →
/// NATS request → the reply's payload (or error) as the HTTP response.
final class GatewayRoute<Request: Message, Reply: Message>: Sendable {
    let subject: RequestSubject<Request, Reply>
    let http: HTTPMapping
    let gateway: Gateway

    init(subject: RequestSubject<Request, Reply>, http: HTTPMapping, gateway: Gateway) {
        self.subject = subject
        self.http = http
        self.gateway = gateway
    }

    private var hasBody: Bool { ["POST", "PUT", "PATCH"].contains(http.method) }

    func respond(to request: Hummingbird.Request, context: GatewayContext) async throws -> Response {
        let correlationID = context.correlationID
        let caller = try await authenticate(request)
        let idempotencyKey = hasBody || http.method == "DELETE" ? request.headers[.idempotencyKey] : nil
        let message: Request
        var json = JSONObject()
        if hasBody, http.pathParameters.isEmpty, idempotencyKey == nil || gateway.options.idempotency == nil {
            // The body is the whole input: validated from its bytes, no JSON tree in between.
            message = try await validatedBody(request)
        } else {
            json = try await input(request, context: context)
            switch Request.validate(.object(json)) {
            case .success(let value): message = value
            case .failure(let error): throw GatewayError(ErrorReply(error))
            }
        }
        let call: @Sendable () async throws -> HTTPAnswer = { [self] in
            let connection = gateway.connections.current
            // NATS away for a while: a request would wait in the reconnect buffer for its whole
            // timeout and end as a misleading 504. Say at once that it is unavailable.
            guard !connection.isAway() else { throw Self.busUnavailable }
            let envelope = Envelope(message, correlationId: correlationID, caller: caller)
            var headers = NATSHeaders(status: nil)
            headers.add("traceparent", (context.trace ?? .start()).traceparent)
            let reply: InboundMessage
            do {
                reply = try await connection.request(
                    subject.subject(message), payload: envelope.jsonBytes(),
                    headers: headers.isEmpty ? nil : headers, timeout: subject.timeout)
            } catch let error as NATSClientError {
                throw Self.gatewayError(for: error)
            }
            return try answer(reply)
        }
        guard let key = idempotencyKey, let store = gateway.options.idempotency else {
            return try await call().response()
        }
        return try await once(key: key, store: store, request: request, json: json, caller: caller, call)
    }

    /// Runs `call` once per `Idempotency-Key`: a repeat gets the kept response, a different
    /// request with the same key 422.
    private func once(
        key: String, store: any IdempotencyGuard, request: Hummingbird.Request, json: JSONObject, caller: Caller?,
        _ call: @escaping @Sendable () async throws -> HTTPAnswer
    ) async throws -> Response {
        guard !key.isEmpty, key.utf8.count <= IdempotencyKey.maxLength else {
            throw GatewayError(400, "invalid_idempotency_key", "an Idempotency-Key has 1 to \(IdempotencyKey.maxLength) characters")
        }
        let fingerprint = IdempotencyKey.fingerprint(path: request.uri.description, json: json)
        let ran = Flag()
        let bytes = try await store.once(
            messageId: IdempotencyKey.storeKey(key, caller: caller, method: http.method, path: request.uri.path), ttl: gateway.options.idempotencyTTL
        ) {
            ran.set()
            let reply = try await call()
            return IdempotencyKey.Stored(fingerprint: fingerprint, status: reply.status, body: reply.body).bytes
        }
        guard let stored = IdempotencyKey.Stored(bytes) else { throw GatewayError(500, ErrorReply.internalError, "internal error") }
        guard stored.fingerprint == fingerprint else {
            throw GatewayError(422, "idempotency_key_reused", "this Idempotency-Key was used for another request")
        }
        var response = HTTPAnswer(status: stored.status, body: stored.body).response()
        if !ran.isSet { response.headers[HTTPField.Name("Idempotent-Replayed")!] = "true" }
        return response
    }

    /// The caller of the bearer token; 401 without a valid one, 403 without the route's role.
    private func authenticate(_ request: Hummingbird.Request) async throws -> Caller? {
        let header = request.headers[.authorization]
        if case .public = http.auth, header == nil { return nil }
        guard let header, header.lowercased().hasPrefix("bearer ") else {
            throw GatewayError(401, "unauthorized", "this route needs a bearer token")
        }
        guard let tokens = gateway.options.tokens else { throw GatewayError(401, "unauthorized", "this gateway verifies no tokens") }
        let caller: Caller
        do {
            caller = try await tokens.verify(String(header.dropFirst("bearer ".count)).trimmingCharacters(in: .whitespaces))
        } catch {
            // A public route ignores a bad token rather than refusing the anonymous request it could serve.
            if case .public = http.auth { return nil }
            throw GatewayError(401, "unauthorized", error.description)
        }
        if case .roles(let roles) = http.auth, !roles.contains(caller.role ?? "") {
            throw GatewayError(403, "forbidden", "this route needs the role \(roles.joined(separator: " or "))")
        }
        return caller
    }

    /// The body of a route without path parameters, validated straight from its bytes: the same
    /// issues as `input` and `validate` give (not JSON, not an object, the schema's), less work.
    private func validatedBody(_ request: Hummingbird.Request) async throws -> Request {
        let result = try await body(of: request).map { Request.validate(json: $0.readableBytesView) } ?? Request.validate(.object(JSONObject()))
        switch result {
        case .success(let value): return value
        case .failure(let error): throw GatewayError(ErrorReply(error))
        }
    }

    /// The body, declared as JSON (415 otherwise); nil when there is none (no bytes, no type).
    private func body(of request: Hummingbird.Request) async throws -> ByteBuffer? {
        let contentType = request.headers[.contentType] ?? ""
        let buffer = try await request.body.collect(upTo: gateway.options.maxBodyBytes)
        guard buffer.readableBytes > 0 || !contentType.isEmpty else { return nil }
        guard Self.isJSON(contentType) else {
            throw GatewayError(415, "unsupported_media_type", "send the body as application/json")
        }
        return buffer
    }

    /// `application/json`, in any case, with or without parameters (`; charset=utf-8`).
    static func isJSON(_ contentType: String) -> Bool { contentType.hasASCIIPrefix(ignoringCase: "application/json") }

    /// The request's JSON: the body (for POST, PUT, PATCH), the query (for other methods) and
    /// the path parameters, which win over both.
    private func input(_ request: Hummingbird.Request, context: GatewayContext) async throws -> JSONObject {
        var object = JSONObject()
        if hasBody {
            if let buffer = try await body(of: request) {
                let parsed: JSONValue
                do { parsed = try JSONValue(parsing: buffer.readableBytesView) } catch {
                    throw GatewayError(ErrorReply(ValidationError(issues: [ValidationIssue(code: .invalidJSON, path: .root, message: error.description)])))
                }
                guard case .object(let body) = parsed else {
                    throw GatewayError(ErrorReply(ValidationError(issues: [Validation.invalidType(expected: "object", received: parsed.typeName, at: .root)])))
                }
                object = body
            }
        } else {
            for (key, value) in request.uri.queryParameters where !http.pathParameters.contains(String(key)) {
                object[String(key)] = parameter(String(key), String(value))
            }
        }
        // The path decides; a body that repeats a path field must say the same.
        var conflicts: [ValidationIssue] = []
        for name in http.pathParameters {
            guard let text = context.parameters.get(name) else { continue }
            let value = parameter(name, text.removingPercentEncoding ?? text)
            if let given = object[name], !given.isJSONEqual(to: value) {
                conflicts.append(ValidationIssue(code: .invalidValue, path: JSONPath.root + name, message: "Invalid value: the path gives \(name)"))
            }
            object[name] = value
        }
        if !conflicts.isEmpty { throw GatewayError(ErrorReply(ValidationError(issues: conflicts))) }
        return object
    }

    /// A parameter's text as its field's JSON value; text that does not fit stays a string,
    /// which the validator then reports against the field.
    private func parameter(_ name: String, _ text: String) -> JSONValue {
        switch http.parameterKinds[name] {
        case .integer?: Int64(text).map(JSONValue.int) ?? .string(text)
        case .number?: Double(text).map(JSONValue.double) ?? .string(text)
        case .boolean?: text == "true" ? .bool(true) : text == "false" ? .bool(false) : .string(text)
        case .string?, nil: .string(text)
        }
    }

    /// A successful answer: the route's status and the reply's payload as JSON.
    struct HTTPAnswer: Sendable {
        var status: Int
        var body: [UInt8]

        func response() -> Response {
            // Room for the middleware's X-Correlation-Id and traceresponse too; with Content-Length
            // already set, `Response.init` leaves the fields alone (no copy, no growing).
            var headers = HTTPFields()
            headers.reserveCapacity(4)
            headers.append(HTTPField(name: .contentType, value: "application/json"))
            headers.append(HTTPField(name: .contentLength, value: String(body.count)))
            return Response(status: .init(code: status), headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
        }
    }

    /// The reply's payload with the route's status, or the service's error with its own. The
    /// envelope is read as a tape and the payload written out of it, without a JSON tree.
    private func answer(_ reply: InboundMessage) throws -> HTTPAnswer {
        let root = JSONTape.root
        let parsed = JSONTape.parse(reply.payload.readableBytesView) { tape -> ReplyReading in
            guard tape.isObject(root) else { return .noEnvelope }
            if tape.member(root, "error") != nil, let error = ErrorReply(json: tape.value(root)) { return .error(error) }
            guard let payload = tape.member(root, "payload") else { return .noEnvelope }
            return .payload(tape.serializedBytes(payload))
        }
        switch parsed {
        case .failure: throw GatewayError(502, "bad_gateway", "the service sent a reply that is not JSON")
        case .success(.error(let error)): throw GatewayError(error, retryAfterSeconds: error.status == 503 ? 1 : nil)
        case .success(.noEnvelope): throw GatewayError(502, "bad_gateway", "the service sent a reply without an envelope")
        case .success(.payload(let body)): return HTTPAnswer(status: http.status, body: body)
        }
    }

    /// What an envelope reply holds for the gateway.
    private enum ReplyReading { case payload([UInt8]), error(ErrorReply), noEnvelope }

    static func gatewayError(for error: NATSClientError) -> GatewayError {
        switch error.code {
        case .noResponders: GatewayError(503, ErrorReply.unavailable, "no service answers this route now", retryAfterSeconds: 1)
        case .timeout: GatewayError(504, ErrorReply.timeout, "the service did not answer in time")
        default: busUnavailable
        }
    }

    static var busUnavailable: GatewayError {
        GatewayError(503, ErrorReply.unavailable, "the message bus is unavailable", retryAfterSeconds: 1)
    }
}
