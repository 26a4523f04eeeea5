import Foundation
import MessagingRuntime
import NATSClient
import NATSWire
import NIOCore
import Resilience

/// The NATS micro discovery protocol (ADR-32): `$SRV.PING`, `$SRV.INFO` and `$SRV.STATS`, for
/// every service, by name, and by name and id, so that standard NATS tooling sees the service.
extension ServiceHost {
    enum Verb: String, CaseIterable {
        case ping = "PING"
        case info = "INFO"
        case stats = "STATS"
    }

    func subscribeDiscovery() async throws -> [NATSSubscription] {
        var subscriptions: [NATSSubscription] = []
        for verb in Verb.allCases {
            for subject in ["$SRV.\(verb.rawValue)", "$SRV.\(verb.rawValue).\(name)", "$SRV.\(verb.rawValue).\(name).\(id)"] {
                subscriptions.append(try await nats.subscribe(subject))
            }
        }
        return subscriptions
    }

    func answerDiscovery(_ subscriptions: [NATSSubscription]) async {
        await withDiscardingTaskGroup { group in
            for subscription in subscriptions {
                group.addTask {
                    for await message in subscription {
                        guard let replyTo = message.replyTo, let verb = Verb(rawValue: message.subject.split(separator: ".")[1].description)
                        else { continue }
                        try? self.nats.publish(replyTo, payload: self.discoveryResponse(verb).serializedBytes())
                    }
                }
            }
        }
    }

    /// The JSON of a ping, info or stats response.
    func discoveryResponse(_ verb: Verb) -> JSONValue {
        var members: [JSONObject.Member] = [
            .init(key: "type", value: .string("io.nats.micro.v1.\(verb.rawValue.lowercased())_response")),
            .init(key: "name", value: .string(name)), .init(key: "id", value: .string(id)),
            .init(key: "version", value: .string(version)), .init(key: "metadata", value: .object(JSONObject())),
        ]
        let statistics = statistics()
        switch verb {
        case .ping:
            break
        case .info:
            members.append(.init(key: "description", value: .string(description)))
            members.append(.init(key: "endpoints", value: .array(statistics.map { endpoint in
                .object(JSONObject([
                    .init(key: "name", value: .string(endpoint.name)), .init(key: "subject", value: .string(endpoint.subject)),
                    .init(key: "queue_group", value: .string(endpoint.queueGroup)), .init(key: "metadata", value: .null),
                ]))
            })))
        case .stats:
            let started = started.withLock { $0 } ?? Date()
            members.append(.init(key: "started", value: .string(DateTime(started).description)))
            members.append(.init(key: "endpoints", value: .array(statistics.map { endpoint in
                .object(JSONObject([
                    .init(key: "name", value: .string(endpoint.name)), .init(key: "subject", value: .string(endpoint.subject)),
                    .init(key: "queue_group", value: .string(endpoint.queueGroup)),
                    .init(key: "num_requests", value: .int(Int64(endpoint.requests))),
                    .init(key: "num_errors", value: .int(Int64(endpoint.errors))),
                    .init(key: "last_error", value: .string(endpoint.lastError)),
                    .init(key: "processing_time", value: .int(endpoint.processingTime.nanosecondsSaturated)),
                    .init(key: "average_processing_time", value: .int(endpoint.averageProcessingTime.nanosecondsSaturated)),
                ]))
            })))
        }
        return .object(JSONObject(members))
    }
}
