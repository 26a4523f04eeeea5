/// Unique, unguessable tokens for inboxes, as NATS clients make them: a random prefix and a
/// sequence that moves by a random step, in base 62 (22 characters).
struct NUID: Sendable {
    private static let digits = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".utf8)
    private static let prefixLength = 12, sequenceLength = 10
    private static let maxSequence: UInt64 = 839_299_365_868_340_224  // 62^10

    private var prefix: [UInt8] = []
    private var sequence: UInt64 = 0
    private var increment: UInt64 = 0
    private var random: SystemRandomNumberGenerator

    init(random: SystemRandomNumberGenerator = SystemRandomNumberGenerator()) {
        self.random = random
        reset()
    }

    mutating func next() -> String {
        sequence += increment
        if sequence >= Self.maxSequence { reset() }
        var bytes = prefix
        var value = sequence
        var tail = [UInt8](repeating: 0, count: Self.sequenceLength)
        for index in stride(from: Self.sequenceLength - 1, through: 0, by: -1) {
            tail[index] = Self.digits[Int(value % 62)]
            value /= 62
        }
        bytes += tail
        return String(decoding: bytes, as: UTF8.self)
    }

    private mutating func reset() {
        prefix = (0..<Self.prefixLength).map { _ in Self.digits[Int.random(in: 0..<62, using: &random)] }
        sequence = UInt64.random(in: 0..<(Self.maxSequence / 2), using: &random)
        increment = UInt64.random(in: 33...333, using: &random)
    }
}
