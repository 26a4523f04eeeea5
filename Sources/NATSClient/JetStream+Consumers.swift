extension JetStream {
    /// Creates a durable pull consumer on `stream` (or returns it when it exists with the same
    /// configuration), through `$JS.API.CONSUMER.CREATE.<stream>.<durable>` (nats-server 2.9+).
    /// - Throws: `NATSClientError` `.invalidArgument` without a durable name; `JetStreamError`
    ///   `.api` when the stream does not exist (`isStreamNotFound`) or a consumer of that name has
    ///   another configuration.
    @discardableResult
    public func createConsumer(stream: String, _ config: ConsumerConfig) async throws -> ConsumerInfo {
        try Self.checkName(stream, "stream")
        guard let durable = config.durableName else {
            throw NATSClientError(.invalidArgument, "a pull consumer here is durable: give it a durable name")
        }
        try Self.checkName(durable, "consumer")
        return try await request(
            "CONSUMER.CREATE.\(stream).\(durable)", body: CreateConsumer(stream: stream, config: config), as: ConsumerInfo.self,
            operation: "create consumer \(durable) on \(stream)")
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

        enum CodingKeys: String, CodingKey {
            case config
            case stream = "stream_name"
        }
    }
}
