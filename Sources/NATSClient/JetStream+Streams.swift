import Foundation
import NIOCore

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
    /// What `StreamConfig` does not model (description, sources, per-subject limits, compression…)
    /// keeps the stream's current value: the update is `config` laid over the stream's own. A
    /// `duplicateWindow` left nil goes back to the server's choice, whatever it was set to before.
    @discardableResult
    public func updateStream(_ config: StreamConfig) async throws -> StreamInfo {
        try Self.checkName(config.name, "stream")
        let operation = "update stream \(config.name)"
        let current = try await request("STREAM.INFO.\(config.name)", payload: ByteBuffer(), operation: operation)
        let body = try Self.overlay(config, on: current, operation: operation)
        return try Self.decode(
            StreamInfo.self, from: try await request("STREAM.UPDATE.\(config.name)", payload: body, operation: operation), operation: operation)
    }

    /// `config`'s fields over the `config` object of a stream info reply (an API error in it is thrown).
    static func overlay(_ config: StreamConfig, on info: ByteBuffer, operation: String) throws -> ByteBuffer {
        _ = try decode(StreamInfo.self, from: info, operation: operation)
        let given = try JSONSerialization.jsonObject(with: JSONEncoder().encode(config)) as? [String: Any] ?? [:]
        let reply = try JSONSerialization.jsonObject(with: Data(info.readableBytesView)) as? [String: Any]
        let current = reply?["config"] as? [String: Any] ?? [:]
        var merged = current.merging(given) { _, new in new }
        // A window left to the server stays the server's choice: the stream's current one could
        // be longer than a shortened `maxAge`, which the server refuses.
        if config.duplicateWindow == nil { merged["duplicate_window"] = nil }
        return ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: merged))
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
            } catch let error as JetStreamError where error.mayBeLostCreateRace {
                // Created by someone else meanwhile? Then make it ours; if not, the subjects are another stream's.
                guard let info = try? await streamInfo(config.name) else { throw error }
                return info.config.satisfies(config) ? info : try await updateStream(config)
            }
        }
    }

    struct Empty: Encodable {}

    struct Success: Decodable {
        var success: Bool
    }
}
