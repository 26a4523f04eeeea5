import NATSClient

extension CLIError {
    /// What `switchboard nats` says and exits with for a client error, decided here alone, as its
    /// help and the README say: 1 when no answer came (a timeout, no responders), 2 for everything
    /// else (connection, permissions, payload size, arguments). The client's messages name servers
    /// without their credentials and never hold a password, token or seed.
    /// - Parameter subject: the subject a request went to, for `no responders`.
    init(_ error: NATSClientError, subject: String? = nil) {
        switch error.code {
        case .noResponders:
            self.init(message: "error: no responders" + (subject.map { " on \($0)" } ?? ""), status: 1)
        case .timeout:
            self.init(message: "error: timeout: \(error.message)", status: 1)
        case .invalidArgument, .invalidCredentials, .permissionViolation:
            self.init(message: "error: \(error.message)")  // they say what is wrong
        default:
            self.init(message: "error: \(error.code): \(error.message)")
        }
    }
}
