/// What the `$JS.ACK.…` reply subject of a JetStream message says about it (ADR-15):
/// `$JS.ACK.<stream>.<consumer>.<delivered>.<stream seq>.<consumer seq>.<timestamp>.<pending>`
/// (9 tokens, older servers), or `$JS.ACK.<domain>.<account hash>.<stream>.<consumer>.<delivered>.
/// <stream seq>.<consumer seq>.<timestamp>.<pending>[.<random>…]` (11 or more).
public struct JetStreamMetadata: Sendable, Hashable {
    public var stream: String
    public var consumer: String
    /// The JetStream domain, nil when none (`_` in the subject) or in the older form.
    public var domain: String?
    /// The account hash of the newer form.
    public var accountHash: String?
    /// How many times this message was delivered: 1 the first time.
    public var delivered: UInt64
    public var streamSequence: UInt64
    public var consumerSequence: UInt64
    /// When the message was stored: nanoseconds since 1970.
    public var timestamp: Int64
    /// Messages of the consumer still to be delivered after this one.
    public var pending: UInt64

    /// Parses a reply subject; nil when it is not a JetStream acknowledgement subject.
    public init?(replySubject: String) {
        var tokens = replySubject.split(separator: ".", omittingEmptySubsequences: false)
        guard tokens.count >= 2, tokens[0] == "$JS", tokens[1] == "ACK" else { return nil }
        if tokens.count == 9 {
            tokens.insert(contentsOf: ["", ""], at: 2)
        } else if tokens.count < 11 {
            return nil
        }
        guard !tokens[4].isEmpty, !tokens[5].isEmpty,
            let delivered = UInt64(tokens[6]), let streamSequence = UInt64(tokens[7]), let consumerSequence = UInt64(tokens[8]),
            let timestamp = Int64(tokens[9]), let pending = UInt64(tokens[10])
        else { return nil }
        self.domain = tokens[2].isEmpty || tokens[2] == "_" ? nil : String(tokens[2])
        self.accountHash = tokens[3].isEmpty ? nil : String(tokens[3])
        self.stream = String(tokens[4])
        self.consumer = String(tokens[5])
        self.delivered = delivered
        self.streamSequence = streamSequence
        self.consumerSequence = consumerSequence
        self.timestamp = timestamp
        self.pending = pending
    }
}
