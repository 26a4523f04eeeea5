import ArgumentParser
import Foundation
import NATSClient

/// `switchboard`: compiles schemas, generates Swift, validates payloads and exports JSON Schema.
@main
struct Switchboard: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "switchboard",
        abstract: "Typed, event-driven services over NATS, from YAML schemas.",
        discussion: """
            The daily loop: edit schemas/*.yaml, run `switchboard generate`, build, and check payloads with \
            `switchboard validate`. Exit status: 0 ok, 1 schema errors, invalid payloads or stale files, 2 usage or I/O errors.
            """,
        version: "0.1.0",
        subcommands: [GenerateCommand.self, CheckCommand.self, ValidateCommand.self, ScaffoldCommand.self, ExportCommand.self, NATSCommand.self]
    )

    /// Runs the command, mapping ArgumentParser's usage errors to exit status 2 and the NATS
    /// client's errors as `CLIError.init(_:subject:)` says.
    static func main() async {
        EventLoopExecutor.install(.replies)  // a latency-bound client: replies resume on the event loop
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            // Exit explicitly: returning from an async main can leave the process waiting on the
            // event-loop threads of a NATS connection.
            Foundation.exit(0)
        } catch let exit as ExitCode {
            Foundation.exit(exit.rawValue)
        } catch let failure as CLIError {
            Console.error(failure.message)
            Foundation.exit(failure.status)
        } catch let error as NATSClientError {
            let failure = CLIError(error)
            Console.error(failure.message)
            Foundation.exit(failure.status)
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                Switchboard.exit(withError: error)
            }
            Console.error(fullMessage(for: error))
            Foundation.exit(code == .validationFailure || code.rawValue == 64 ? 2 : code.rawValue)
        }
    }
}

/// A failure the CLI reports with a message and an exit status (2: usage or I/O).
struct CLIError: Error {
    var message: String
    var status: Int32 = 2
}
