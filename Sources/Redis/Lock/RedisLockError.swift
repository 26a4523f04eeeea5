/// A lock that could not be taken or was lost.
public struct RedisLockError: Error, Sendable, Hashable, CustomStringConvertible {
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        public let rawValue: String
        public init(_ rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// Someone else held the lock until the deadline.
        public static let notAcquired = Code("not acquired")
        /// The lease expired or was taken over while the work ran (the watchdog could not extend it).
        public static let leaseLost = Code("lease lost")
    }

    public let code: Code
    public let resource: String
    public let message: String

    public init(_ code: Code, resource: String, _ message: String) {
        self.code = code
        self.resource = resource
        self.message = message
    }

    public var description: String { "lock '\(resource)' \(code): \(message)" }
}
