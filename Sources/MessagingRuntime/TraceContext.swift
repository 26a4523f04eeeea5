/// A W3C Trace Context (`traceparent: 00-<trace id>-<parent id>-<flags>`): the gateway starts or
/// continues a trace for each HTTP request and every hop (gateway → service → service) passes a
/// child on in the NATS `traceparent` header, so that one request can be followed across services.
public struct TraceContext: Sendable, Hashable, CustomStringConvertible {
    /// 32 lower-case hex digits, not all zero.
    public let traceID: String
    /// 16 lower-case hex digits, not all zero: the span that made this hop.
    public let parentID: String
    /// Bit 0: sampled.
    public let flags: UInt8
    /// The header's value, `00-<trace id>-<parent id>-<flags>`: made once, since every hop sends it
    /// (and the gateway returns it too).
    public let traceparent: String

    /// Parses a `traceparent` header; nil for anything the specification says to ignore.
    public init?(traceparent: String) {
        let parts = traceparent.trimmingSpaces.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count >= 4, parts[0].count == 2, parts[0] != "ff", Self.isHex(parts[0]),
            parts[0] != "00" || parts.count == 4,
            parts[1].count == 32, Self.isHex(parts[1]), parts[1].contains(where: { $0 != "0" }),
            parts[2].count == 16, Self.isHex(parts[2]), parts[2].contains(where: { $0 != "0" }),
            parts[3].count == 2, Self.isHex(parts[3]), let flags = UInt8(parts[3], radix: 16)
        else { return nil }
        self.init(traceID: String(parts[1]), parentID: String(parts[2]), flags: flags)
    }

    init(traceID: String, parentID: String, flags: UInt8) {
        self.traceID = traceID
        self.parentID = parentID
        self.flags = flags
        var text = "00-"
        text.reserveCapacity(55)
        text += traceID
        text += "-"
        text += parentID
        text += flags < 0x10 ? "-0" : "-"
        text += String(flags, radix: 16)
        traceparent = text
    }

    /// A new trace, sampled.
    public static func start() -> TraceContext {
        TraceContext(traceID: randomHex(16), parentID: randomHex(8), flags: 1)
    }

    /// The next hop of the same trace: same trace id, a new parent id.
    public func child() -> TraceContext { TraceContext(traceID: traceID, parentID: Self.randomHex(8), flags: flags) }

    public var description: String { traceparent }

    private static func isHex(_ text: Substring) -> Bool {
        text.utf8.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains($0) }
    }

    private static func randomHex(_ bytes: Int) -> String { RandomID.hex(bytes: bytes) }
}

extension HandlerContext {
    /// The trace this message belongs to, from its `traceparent` header.
    public var trace: TraceContext? { headers["traceparent"].flatMap(TraceContext.init(traceparent:)) }
}

extension String {
    fileprivate var trimmingSpaces: Substring {
        var text = Substring(self)
        while text.first == " " || text.first == "\t" { text = text.dropFirst() }
        while text.last == " " || text.last == "\t" { text = text.dropLast() }
        return text
    }
}
