extension JetStream {
    /// Creates a durable pull consumer on `stream`, or returns it when it exists with the same
    /// configuration, through `$JS.API.CONSUMER.CREATE.<stream>.<durable>` (nats-server 2.9+).
    /// - Throws: `NATSClientError` `.invalidArgument` without a durable name; `JetStreamError`
    ///   `.api` when the stream does not exist (`isStreamNotFound`) or a consumer of that name has
    ///   another configuration (`isConsumerAlreadyExists`; it is left as it is: `updateConsumer`
    ///   changes it).
    @discardableResult
    public func createConsumer(stream: String, _ config: ConsumerConfig) async throws -> ConsumerInfo {
        let durable = try Self.checkDurable(stream, config)
        // nats-server before 2.10 ignores `action` and updates a consumer that exists: look first.
        do {
            let existing = try await consumerInfo(stream: stream, name: durable)
            guard existing.config.satisfies(config) else {
                let refusal = JetStreamError.APIError(code: 400, errorCode: JetStreamError.APIError.consumerAlreadyExists, description: "consumer already exists")
                throw JetStreamError(refusal, during: "create consumer \(durable) on \(stream) (it exists with another configuration)")
            }
            return existing
        } catch let error as JetStreamError where error.isConsumerNotFound {
            // Not there yet: create it.
        }
        return try await request(
            "CONSUMER.CREATE.\(stream).\(durable)", body: CreateConsumer(stream: stream, config: config, action: "create"),
            as: ConsumerInfo.self, operation: "create consumer \(durable) on \(stream)")
    }

    /// Changes the configuration of an existing durable consumer (what the server lets change:
    /// ack wait, max deliveries, max ack pending, the filter, the pull limits…).
    /// - Throws: `JetStreamError` `.api` when it does not exist (`isConsumerNotFound`, nats-server
    ///   2.10+; older servers create it) or the change is not allowed.
    @discardableResult
    public func updateConsumer(stream: String, _ config: ConsumerConfig) async throws -> ConsumerInfo {
        let durable = try Self.checkDurable(stream, config)
        return try await request(
            "CONSUMER.CREATE.\(stream).\(durable)", body: CreateConsumer(stream: stream, config: config, action: "update"),
            as: ConsumerInfo.self, operation: "update consumer \(durable) on \(stream)")
    }

    static func checkDurable(_ stream: String, _ config: ConsumerConfig) throws -> String {
        try checkName(stream, "stream")
        guard let durable = config.durableName else {
            throw NATSClientError(.invalidArgument, "a pull consumer here is durable: give it a durable name")
        }
        try checkName(durable, "consumer")
        return durable
    }

    /// The consumer's configuration and state.
    /// - Throws: `JetStreamError` with `isConsumerNotFound` when there is no such consumer.
    public func consumerInfo(stream: String, name: String) async throws -> ConsumerInfo {
        try Self.checkName(stream, "stream")
        try Self.checkName(name, "consumer")
        return try await request(
            "CONSUMER.INFO.\(stream).\(name)", body: Optional<Empty>.none, as: ConsumerInfo.self,
            operation: "consumer info \(name) on \(stream)")
    }

    /// Deletes a consumer; its clients' pulls end with `.consumerDeleted`.
    public func deleteConsumer(stream: String, name: String) async throws {
        try Self.checkName(stream, "stream")
        try Self.checkName(name, "consumer")
        let reply = try await request(
            "CONSUMER.DELETE.\(stream).\(name)", body: Optional<Empty>.none, as: Success.self,
            operation: "delete consumer \(name) on \(stream)")
        guard reply.success else { throw JetStreamError(.invalidResponse, "delete consumer \(name): the server did not confirm") }
    }

    /// A handle to pull from a durable consumer (no request is made).
    public func pullConsumer(stream: String, name: String) -> PullConsumer {
        PullConsumer(jetStream: self, stream: stream, name: name)
    }

    struct CreateConsumer: Encodable {
        var stream: String
        var config: ConsumerConfig
        /// "create" or "update" (nats-server 2.10+; older servers create or update either way).
        var action: String

        enum CodingKeys: String, CodingKey {
            case config, action
            case stream = "stream_name"
        }
    }
}
