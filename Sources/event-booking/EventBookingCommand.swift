import ArgumentParser
import Foundation
import NATSClient

/// `event-booking`: the worked example of Switchboard, an event-booking system of three services
/// (auth, events, bookings) and an HTTP gateway, on NATS and SQLite.
@main
struct EventBookingCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "event-booking",
        abstract: "The event-booking example: auth, events and bookings services and their HTTP gateway, on NATS and SQLite.",
        version: "0.1.0",
        subcommands: [ServeCommand.self]
    )

    /// Runs the command; usage errors exit with 2 (as `switchboard`'s do), failures with 1.
    static func main() async {
        EventLoopExecutor.install(.pool)  // handlers write SQLite synchronously: they stay off the event loops
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            // Exit explicitly: returning from an async main can leave the process waiting on the
            // event-loop threads of the NATS connections.
            Foundation.exit(0)
        } catch {
            let code = exitCode(for: error)
            if code == .success { exit(withError: error) }  // --help, --version
            FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
            Foundation.exit(code == .validationFailure ? 2 : code.rawValue)
        }
    }
}
