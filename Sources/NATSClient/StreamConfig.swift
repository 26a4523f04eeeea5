/// A JetStream stream's configuration: the commonly used fields of the server's `StreamConfig`.
/// Defaults are the server's, so that a configuration read back compares equal to the one sent.
public struct StreamConfig: Sendable, Hashable, Codable {
    public enum Retention: String, Sendable, Hashable, Codable {
        /// Keep messages until a limit (count, bytes, age) removes them.
        case limits
        /// Keep messages while a consumer has not acknowledged them.
        case interest
        /// Each message goes to one consumer and is removed once acknowledged.
        case workQueue = "workqueue"
    }

    public enum Storage: String, Sendable, Hashable, Codable {
        case file, memory
    }

    /// What happens when a limit is reached: the oldest messages go, or new ones are refused.
    public enum Discard: String, Sendable, Hashable, Codable {
        case old, new
    }

    public var name: String
    /// The subjects stored (wildcards allowed).
    public var subjects: [String]
    public var retention: Retention = .limits
    public var storage: Storage = .file
    /// -1: no limit.
    public var maxMessages: Int64 = -1
    /// -1: no limit.
    public var maxBytes: Int64 = -1
    /// .zero: kept forever.
    public var maxAge: Duration = .zero
    /// How long `Nats-Msg-Id`s are remembered to drop duplicates; nil: the server's choice, 2
    /// minutes or `maxAge` if shorter (a window longer than `maxAge` is refused).
    public var duplicateWindow: Duration?
    public var replicas = 1
    public var discard: Discard = .old

    public init(name: String, subjects: [String]) {
        self.name = name
        self.subjects = subjects
    }

    enum CodingKeys: String, CodingKey {
        case name, subjects, retention, storage, discard
        case maxMessages = "max_msgs"
        case maxBytes = "max_bytes"
        case maxAge = "max_age"
        case duplicateWindow = "duplicate_window"
        case replicas = "num_replicas"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        subjects = try container.decodeIfPresent([String].self, forKey: .subjects) ?? []
        retention = try container.decodeIfPresent(Retention.self, forKey: .retention) ?? .limits
        storage = try container.decodeIfPresent(Storage.self, forKey: .storage) ?? .file
        maxMessages = try container.decodeIfPresent(Int64.self, forKey: .maxMessages) ?? -1
        maxBytes = try container.decodeIfPresent(Int64.self, forKey: .maxBytes) ?? -1
        maxAge = Duration(jetStreamNanoseconds: try container.decodeIfPresent(Int64.self, forKey: .maxAge) ?? 0)
        duplicateWindow = try container.decodeIfPresent(Int64.self, forKey: .duplicateWindow).map(Duration.init(jetStreamNanoseconds:))
        replicas = try container.decodeIfPresent(Int.self, forKey: .replicas) ?? 1
        discard = try container.decodeIfPresent(Discard.self, forKey: .discard) ?? .old
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(subjects, forKey: .subjects)
        try container.encode(retention, forKey: .retention)
        try container.encode(storage, forKey: .storage)
        try container.encode(maxMessages, forKey: .maxMessages)
        try container.encode(maxBytes, forKey: .maxBytes)
        try container.encode(maxAge.nanosecondsForJetStream, forKey: .maxAge)
        try container.encodeIfPresent(duplicateWindow?.nanosecondsForJetStream, forKey: .duplicateWindow)
        try container.encode(replicas, forKey: .replicas)
        try container.encode(discard, forKey: .discard)
    }

    /// Whether a stream configured as `self` (as the server reports it) already is what `wanted`
    /// asks for: subjects in any order, and what `wanted` leaves to the server as the server
    /// filled it in (no subjects: the stream's name; no duplicate window: the server's).
    func satisfies(_ wanted: StreamConfig) -> Bool {
        var ours = self, theirs = wanted
        if theirs.subjects.isEmpty { theirs.subjects = [theirs.name] }
        if theirs.duplicateWindow == nil { theirs.duplicateWindow = ours.duplicateWindow }
        ours.subjects.sort()
        theirs.subjects.sort()
        return ours == theirs
    }
}

/// What the server reports about a stream.
public struct StreamInfo: Sendable, Hashable, Decodable {
    public struct State: Sendable, Hashable, Decodable {
        public var messages: UInt64
        public var bytes: UInt64
        public var firstSequence: UInt64
        public var lastSequence: UInt64
        public var consumerCount: Int

        enum CodingKeys: String, CodingKey {
            case messages, bytes
            case firstSequence = "first_seq"
            case lastSequence = "last_seq"
            case consumerCount = "consumer_count"
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            messages = try container.decodeIfPresent(UInt64.self, forKey: .messages) ?? 0
            bytes = try container.decodeIfPresent(UInt64.self, forKey: .bytes) ?? 0
            firstSequence = try container.decodeIfPresent(UInt64.self, forKey: .firstSequence) ?? 0
            lastSequence = try container.decodeIfPresent(UInt64.self, forKey: .lastSequence) ?? 0
            consumerCount = try container.decodeIfPresent(Int.self, forKey: .consumerCount) ?? 0
        }
    }

    public var config: StreamConfig
    public var state: State
}
