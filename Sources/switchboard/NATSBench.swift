import ArgumentParser
import Foundation
import NATSClient
import NATSWire
import NIOCore
import NIOPosix

/// `switchboard nats bench`: the peers' workloads (shared/peers/README.md) on this client.
struct NATSBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure publish throughput and request/reply latency.",
        subcommands: [Pub.self, Req.self]
    )

    struct Pub: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Publish N messages of SIZE bytes, then flush.")
        @OptionGroup var connection: NATSConnectionOptions
        @Option(help: "Messages.") var count = 1_000_000
        @Option(help: "Payload bytes.") var size = 128
        @Option(help: "Subject.") var subject = "bench.req"
        @Flag(help: "One JSON line instead of text.") var json = false

        func validate() throws {
            try NumericFlag.count(count)
            try NumericFlag.size(size)
        }

        func run() async throws {
            let client = try await connection.connect(name: "switchboard-bench-pub")
            let payload = ByteBuffer(repeating: 0x61, count: size)
            let (subject, count) = (subject, count)
            let start = ContinuousClock.now
            for _ in 0..<count { try client.publish(subject, payload: payload) }
            try await client.flush()
            let seconds = Self.seconds(ContinuousClock.now - start)
            await client.close()
            report(["bench": "pub", "messages": count, "size": size, "seconds": seconds, "msgs_per_s": Double(count) / seconds], json: json)
        }

        static func seconds(_ duration: Duration) -> Double {
            Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        }
    }

    struct Req: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Requests one at a time or C in flight; p50/p99 latency.")
        @OptionGroup var connection: NATSConnectionOptions
        @Option(help: "How long to run: seconds, or with a unit (500ms, 10s, 1m).") var duration = TimeFlag(seconds: 10)
        @Option(help: "Requests in flight.") var concurrency = 1
        @Option(help: "Payload bytes.") var size = 128
        @Option(help: "Subject.") var subject = "bench.req"
        @Option(help: "Responders to start in this process (0: they run elsewhere).") var responders = 1
        @Option(help: "Queue group of the responders.") var queue: String?
        @Flag(help: "Run the requesting tasks on the connection's event loop (a task executor preference).")
        var onEventLoop = false
        @Flag(help: "One JSON line instead of text.") var json = false

        func validate() throws {
            try NumericFlag.seconds(duration.seconds, "--duration")
            try NumericFlag.count(concurrency, "--concurrency")
            try NumericFlag.size(size)
            try NumericFlag.count(responders, "--responders", atLeast: 0)
        }

        func run() async throws {
            var serving: [(NATSConnection, NATSSubscription)] = []
            for _ in 0..<responders {
                let responder = try await connection.connect(name: "switchboard-bench-responder")
                let subscription = try await responder.subscribe(subject, queue: queue) { message in
                    if let replyTo = message.replyTo { try? responder.publish(replyTo, payload: message.payload) }
                }
                try await responder.flush()
                serving.append((responder, subscription))
            }
            let client = try await connection.connect(name: "switchboard-bench-requester")
            let payload = ByteBuffer(repeating: 0x61, count: size)
            for _ in 0..<200 { _ = try await client.request(subject, payload: payload, timeout: .seconds(2)) }
            let deadline = ContinuousClock.now + NumericFlag.duration(seconds: duration.seconds)
            let start = ContinuousClock.now
            // Where each reply resumed its task: on an event loop (the reply hand-off, or a task
            // that prefers the loop) or on Swift's pool.
            let (latencies, resumedOnLoop) = try await withThrowingTaskGroup(of: ([Double], Int).self) { group in
                let executor: (any TaskExecutor)? = onEventLoop ? client.taskExecutor : nil
                for _ in 0..<concurrency {
                    group.addTask(executorPreference: executor) {
                        var samples: [Double] = []
                        var resumedOnLoop = 0
                        while ContinuousClock.now < deadline {
                            let sent = ContinuousClock.now
                            _ = try await client.request(subject, payload: payload, timeout: .seconds(2))
                            samples.append(Pub.seconds(ContinuousClock.now - sent))
                            if MultiThreadedEventLoopGroup.currentEventLoop != nil { resumedOnLoop += 1 }
                        }
                        return (samples, resumedOnLoop)
                    }
                }
                var all: [Double] = []
                var resumedOnLoop = 0
                for try await (samples, onLoop) in group {
                    all += samples
                    resumedOnLoop += onLoop
                }
                return (all.sorted(), resumedOnLoop)
            }
            let elapsed = Pub.seconds(ContinuousClock.now - start)
            await client.close()
            for (responder, subscription) in serving {
                subscription.unsubscribe()
                await responder.close()
            }
            func rank(_ p: Double) -> Double {
                latencies.isEmpty ? 0 : latencies[min(latencies.count - 1, Int((p * Double(latencies.count)).rounded(.up)) - 1)]
            }
            report([
                "bench": "req", "concurrency": concurrency, "requests": latencies.count, "seconds": elapsed,
                "reqs_per_s": Double(latencies.count) / elapsed, "p50_us": rank(0.5) * 1e6, "p99_us": rank(0.99) * 1e6,
                "executor": EventLoopExecutor.installed.rawValue,
                "on_event_loop": latencies.isEmpty ? 0 : Double(resumedOnLoop) / Double(latencies.count),
            ], json: json)
        }
    }
}

/// Prints a result as `key=value` text or one JSON line.
func report(_ values: KeyValuePairs<String, any Sendable>, json: Bool) {
    func text(_ value: any Sendable) -> String {
        if let double = value as? Double { return String(format: "%.3f", double) }
        return "\(value)"
    }
    if json {
        let body = values.map { key, value in
            let rendered = value is String ? "\"\(value)\"" : text(value)
            return "\"\(key)\": \(rendered)"
        }
        Console.print("{" + body.joined(separator: ", ") + "}")
    } else {
        Console.print(values.map { "\($0.key)=\(text($0.value))" }.joined(separator: " "))
    }
}
