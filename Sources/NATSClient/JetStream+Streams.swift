extension JetStream {
    /// Creates a stream.
    /// - Throws: `JetStreamError` `.api` (a stream of that name with another configuration: err_code
    ///   10058; subjects that overlap another stream's…), `.notEnabled`.
    @discardableResult
    public func createStream(_ config: StreamConfig) async throws -> StreamInfo {
        try Self.checkName(config.name, "stream")
        return try await request("STREAM.CREATE.\(config.name)", body: config, as: StreamInfo.self, operation: "create stream \(config.name)")
    }

    /// Changes a stream's configuration (what the server allows to change: subjects, limits…).
    @discardableResult
    public func updateStream(_ config: StreamConfig) async throws -> StreamInfo {
        try Self.checkName(config.name, "stream")
        return try await request("STREAM.UPDATE.\(config.name)", body: config, as: StreamInfo.self, operation: "update stream \(config.name)")
    }

    /// The stream's configuration and state.
    /// - Throws: `JetStreamError` with `isStreamNotFound` when there is no such stream.
    public func streamInfo(_ name: String) async throws -> StreamInfo {
        try Self.checkName(name, "stream")
        return try await request("STREAM.INFO.\(name)", body: Optional<Empty>.none, as: StreamInfo.self, operation: "stream info \(name)")
    }

    /// Deletes a stream with its messages and consumers.
    public func deleteStream(_ name: String) async throws {
        try Self.checkName(name, "stream")
        let reply = try await request("STREAM.DELETE.\(name)", body: Optional<Empty>.none, as: Success.self, operation: "delete stream \(name)")
        guard reply.success else { throw JetStreamError(.invalidResponse, "delete stream \(name): the server did not confirm") }
    }

    /// Makes sure the stream exists as configured: creates it, or updates it when its
    /// configuration differs; leaves it alone when it already matches.
    @discardableResult
    public func ensureStream(_ config: StreamConfig) async throws -> StreamInfo {
        do {
            let info = try await streamInfo(config.name)
            return info.config.satisfies(config) ? info : try await updateStream(config)
        } catch let error as JetStreamError where error.isStreamNotFound {
            do {
                return try await createStream(config)
            } catch let error as JetStreamError where error.apiError?.errorCode == JetStreamError.APIError.streamNameInUse {
                // Created by someone else meanwhile, differently.
                return try await updateStream(config)
            }
        }
    }

    struct Empty: Encodable {}

    struct Success: Decodable {
        var success: Bool
    }
}
