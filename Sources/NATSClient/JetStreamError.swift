/// Why a JetStream operation failed: the server's API error (`{"error":{"code","err_code",
/// "description"}}`) or what the client found wrong.
public struct JetStreamError: Error, Sendable, Hashable, CustomStringConvertible {
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        public let rawValue: String
        public init(_ rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// The JetStream API answered with an error; `apiError` has its fields.
        public static let api = Code("JetStream API error")
        /// A publish found no stream storing its subject (status 503, no responders).
        public static let noStream = Code("no stream")
        /// Nothing answers the JetStream API: JetStream is not enabled (or not for this account or domain).
        public static let notEnabled = Code("JetStream not enabled")
        /// A reply that is not what the API promises.
        public static let invalidResponse = Code("invalid response")
        /// A reply subject that is not a `$JS.ACK.…` subject, or a message without one.
        public static let notJetStreamMessage = Code("not a JetStream message")
        /// A message was acknowledged (ack, nak or term) before: it takes one final answer.
        public static let alreadyAcknowledged = Code("already acknowledged")
        /// The consumer a pull was waiting on was deleted (status 409).
        public static let consumerDeleted = Code("consumer deleted")
        /// A status that ended a pull for now (409 "Exceeded MaxWaiting", "Leadership Change",
        /// "Server Shutdown" and the like), with its description: the next pull may go through.
        public static let pullFailed = Code("pull failed")
        /// A status that every pull like this one would get (400, 409 "Consumer is push based",
        /// "Exceeded MaxRequestBatch/MaxRequestExpires/MaxRequestMaxBytes"): pulling again is pointless.
        public static let pullRefused = Code("pull refused")
    }

    /// The error object of a JetStream API reply.
    public struct APIError: Sendable, Hashable, Codable {
        /// The HTTP-like status: 400, 404, 500, 503…
        public var code: Int
        /// JetStream's own error code: 10059 stream not found, 10058 stream name in use, 10014 consumer not found…
        public var errorCode: Int
        public var description: String

        public init(code: Int, errorCode: Int, description: String) {
            self.code = code
            self.errorCode = errorCode
            self.description = description
        }

        enum CodingKeys: String, CodingKey {
            case code, description
            case errorCode = "err_code"
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            code = try container.decode(Int.self, forKey: .code)
            errorCode = try container.decodeIfPresent(Int.self, forKey: .errorCode) ?? 0
            description = try container.decodeIfPresent(String.self, forKey: .description) ?? ""
        }

        /// JetStream error codes the client looks at.
        public static let streamNotFound = 10059
        public static let streamNameInUse = 10058
        public static let streamSubjectOverlap = 10065
        public static let consumerNotFound = 10014
        public static let consumerAlreadyExists = 10148
        /// A publish's expectation failed: the stream's (or subject's) last sequence was another.
        public static let wrongLastSequence = 10071
        /// A publish's expectation failed: the stream storing the subject is another.
        public static let wrongStream = 10060
    }

    public let code: Code
    public let message: String
    /// The server's error, for `.api`.
    public let apiError: APIError?

    public init(_ code: Code, _ message: String, apiError: APIError? = nil) {
        self.code = code
        self.message = message
        self.apiError = apiError
    }

    init(_ apiError: APIError, during operation: String) {
        self.init(
            .api, "\(operation): \(apiError.description) (status \(apiError.code), err_code \(apiError.errorCode))", apiError: apiError)
    }

    /// Whether the server said the stream does not exist.
    public var isStreamNotFound: Bool { apiError?.errorCode == APIError.streamNotFound }
    /// Whether a stream create may have lost a race with another create of the same stream: the
    /// server answers the loser "name in use" or, at times, "subjects overlap" (nats-server 2.9).
    /// Reading the stream tells which: it exists now, or the subjects belong to another stream.
    public var mayBeLostCreateRace: Bool {
        apiError?.errorCode == APIError.streamNameInUse || apiError?.errorCode == APIError.streamSubjectOverlap
    }
    /// Whether the server said the consumer does not exist.
    public var isConsumerNotFound: Bool { apiError?.errorCode == APIError.consumerNotFound }
    /// Whether a create found the consumer there with another configuration.
    public var isConsumerAlreadyExists: Bool { apiError?.errorCode == APIError.consumerAlreadyExists }

    public var description: String { "\(code): \(message)" }
}
