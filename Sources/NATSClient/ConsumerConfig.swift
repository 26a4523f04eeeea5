/// A JetStream consumer's configuration: the fields a pull consumer commonly sets. Defaults are
/// the server's.
public struct ConsumerConfig: Sendable, Hashable, Codable {
    /// Where a new consumer starts in the stream.
    public enum DeliverPolicy: String, Sendable, Hashable, Codable {
        case all, last, new
        case lastPerSubject = "last_per_subject"
    }

    public enum AckPolicy: String, Sendable, Hashable, Codable {
        /// Each message is acknowledged on its own (what a pull consumer uses).
        case explicit
        case all, none
    }

    /// The durable name: the consumer outlives its clients, and clients sharing the name share its messages.
    public var durableName: String?
    public var description: String?
    public var deliverPolicy: DeliverPolicy = .all
    public var ackPolicy: AckPolicy = .explicit
    /// How long the server waits for an acknowledgement before delivering a message again.
    public var ackWait: Duration = .seconds(30)
    /// Deliveries of one message at most (then it is left alone); -1: no limit.
    public var maxDeliver = -1
    /// Only the stream's messages on this subject (wildcards allowed).
    public var filterSubject: String?
    /// Messages delivered and not yet acknowledged, at most.
    public var maxAckPending = 1000
    /// The largest batch and the longest expiry a pull may ask for (nil: no limit); a pull asking
    /// for more is refused (`.pullRefused`).
    public var maxRequestBatch: Int?
    public var maxRequestExpires: Duration?
    /// Where a push consumer delivers (a consumer read back from the server; this client pulls,
    /// so the ones it makes have none).
    public var deliverSubject: String?

    public init(durableName: String? = nil, filterSubject: String? = nil) {
        self.durableName = durableName
        self.filterSubject = filterSubject
    }

    enum CodingKeys: String, CodingKey {
        case description
        case durableName = "durable_name"
        case deliverPolicy = "deliver_policy"
        case ackPolicy = "ack_policy"
        case ackWait = "ack_wait"
        case maxDeliver = "max_deliver"
        case filterSubject = "filter_subject"
        case maxAckPending = "max_ack_pending"
        case replayPolicy = "replay_policy"
        case maxRequestBatch = "max_batch"
        case maxRequestExpires = "max_expires"
        case deliverSubject = "deliver_subject"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        durableName = try container.decodeIfPresent(String.self, forKey: .durableName)
        description = try container.decodeIfPresent(String.self, forKey: .description)
        deliverPolicy = try container.decodeIfPresent(DeliverPolicy.self, forKey: .deliverPolicy) ?? .all
        ackPolicy = try container.decodeIfPresent(AckPolicy.self, forKey: .ackPolicy) ?? .explicit
        ackWait = Duration(jetStreamNanoseconds: try container.decodeIfPresent(Int64.self, forKey: .ackWait) ?? 30_000_000_000)
        maxDeliver = try container.decodeIfPresent(Int.self, forKey: .maxDeliver) ?? -1
        filterSubject = try container.decodeIfPresent(String.self, forKey: .filterSubject).flatMap { $0.isEmpty ? nil : $0 }
        maxAckPending = try container.decodeIfPresent(Int.self, forKey: .maxAckPending) ?? 1000
        // The server reports 0 for "no limit".
        maxRequestBatch = try container.decodeIfPresent(Int.self, forKey: .maxRequestBatch).flatMap { $0 > 0 ? $0 : nil }
        maxRequestExpires = try container.decodeIfPresent(Int64.self, forKey: .maxRequestExpires).flatMap {
            $0 > 0 ? Duration(jetStreamNanoseconds: $0) : nil
        }
        deliverSubject = try container.decodeIfPresent(String.self, forKey: .deliverSubject).flatMap { $0.isEmpty ? nil : $0 }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(durableName, forKey: .durableName)
        try container.encodeIfPresent(description, forKey: .description)
        try container.encode(deliverPolicy, forKey: .deliverPolicy)
        try container.encode(ackPolicy, forKey: .ackPolicy)
        try container.encode(ackWait.nanosecondsForJetStream, forKey: .ackWait)
        try container.encode(maxDeliver, forKey: .maxDeliver)
        try container.encodeIfPresent(filterSubject, forKey: .filterSubject)
        try container.encode(maxAckPending, forKey: .maxAckPending)
        try container.encode("instant", forKey: .replayPolicy)
        try container.encodeIfPresent(maxRequestBatch, forKey: .maxRequestBatch)
        try container.encodeIfPresent(maxRequestExpires?.nanosecondsForJetStream, forKey: .maxRequestExpires)
        try container.encodeIfPresent(deliverSubject, forKey: .deliverSubject)
    }

    /// Whether a consumer configured as `self` (as the server reports it) is what `wanted` asks
    /// for, counting what `wanted` leaves unset as what the server filled in (a pull limit the
    /// server applies to every consumer, a description).
    func satisfies(_ wanted: ConsumerConfig) -> Bool {
        var theirs = wanted
        if theirs.maxRequestBatch == nil { theirs.maxRequestBatch = maxRequestBatch }
        if theirs.maxRequestExpires == nil { theirs.maxRequestExpires = maxRequestExpires }
        if theirs.description == nil { theirs.description = description }
        return self == theirs
    }
}

/// What the server reports about a consumer.
public struct ConsumerInfo: Sendable, Hashable, Decodable {
    public struct SequenceInfo: Sendable, Hashable, Decodable {
        public var consumerSequence: UInt64
        public var streamSequence: UInt64

        enum CodingKeys: String, CodingKey {
            case consumerSequence = "consumer_seq"
            case streamSequence = "stream_seq"
        }
    }

    public var stream: String
    public var name: String
    public var config: ConsumerConfig
    /// The last message delivered.
    public var delivered: SequenceInfo
    /// The last message acknowledged together with every one before it.
    public var ackFloor: SequenceInfo
    /// Delivered and not yet acknowledged.
    public var ackPending: Int
    public var redelivered: Int
    /// Pull requests waiting at the server.
    public var waiting: Int
    /// Messages of the stream the consumer has not delivered yet.
    public var pending: UInt64

    enum CodingKeys: String, CodingKey {
        case name, config, delivered
        case stream = "stream_name"
        case ackFloor = "ack_floor"
        case ackPending = "num_ack_pending"
        case redelivered = "num_redelivered"
        case waiting = "num_waiting"
        case pending = "num_pending"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        stream = try container.decode(String.self, forKey: .stream)
        name = try container.decode(String.self, forKey: .name)
        config = try container.decode(ConsumerConfig.self, forKey: .config)
        delivered = try container.decode(SequenceInfo.self, forKey: .delivered)
        ackFloor = try container.decode(SequenceInfo.self, forKey: .ackFloor)
        ackPending = try container.decodeIfPresent(Int.self, forKey: .ackPending) ?? 0
        redelivered = try container.decodeIfPresent(Int.self, forKey: .redelivered) ?? 0
        waiting = try container.decodeIfPresent(Int.self, forKey: .waiting) ?? 0
        pending = try container.decodeIfPresent(UInt64.self, forKey: .pending) ?? 0
    }
}
