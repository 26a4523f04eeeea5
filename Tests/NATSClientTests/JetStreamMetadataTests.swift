import Foundation
import NATSWire
import NIOCore
import Testing

@testable import NATSClient

/// The pure parts of JetStream: ack subjects, pull statuses, the API's JSON.
@Suite struct JetStreamMetadataTests {
    @Test func theOlderNineTokenFormHasNoDomainOrAccount() throws {
        let metadata = try #require(JetStreamMetadata(replySubject: "$JS.ACK.ORDERS.billing.3.42.7.1700000000123456789.5"))
        #expect(metadata.stream == "ORDERS" && metadata.consumer == "billing")
        #expect(metadata.delivered == 3 && metadata.streamSequence == 42 && metadata.consumerSequence == 7)
        #expect(metadata.timestamp == 1_700_000_000_123_456_789 && metadata.pending == 5)
        #expect(metadata.domain == nil && metadata.accountHash == nil)
    }

    @Test func theNewerFormCarriesDomainAndAccountHash() throws {
        let subject = "$JS.ACK.hub.ACCHASH.ORDERS.billing.1.10.2.1700000000000000000.0.RANDOM"
        let metadata = try #require(JetStreamMetadata(replySubject: subject))
        #expect(metadata.domain == "hub" && metadata.accountHash == "ACCHASH")
        #expect(metadata.stream == "ORDERS" && metadata.consumer == "billing")
        #expect(metadata.delivered == 1 && metadata.streamSequence == 10 && metadata.consumerSequence == 2 && metadata.pending == 0)
    }

    @Test func anUnderscoreDomainIsNoDomainAndTheRandomTokenIsOptional() throws {
        let metadata = try #require(JetStreamMetadata(replySubject: "$JS.ACK._.ACC.S.C.1.2.3.4.5"))
        #expect(metadata.domain == nil && metadata.accountHash == "ACC" && metadata.pending == 5)
        #expect(JetStreamMetadata(replySubject: "$JS.ACK._.ACC.S.C.1.2.3.4.5.tok.extra")?.streamSequence == 2)
    }

    @Test func otherSubjectsAreNotAckSubjects() {
        #expect(JetStreamMetadata(replySubject: "_INBOX.abc.1") == nil)
        #expect(JetStreamMetadata(replySubject: "$JS.NAK.S.C.1.2.3.4.5") == nil)
        #expect(JetStreamMetadata(replySubject: "$JS.ACK.S.C.1.2.3.4") == nil, "8 tokens")
        #expect(JetStreamMetadata(replySubject: "$JS.ACK.D.A.S.C.1.2.3.4") == nil, "10 tokens")
        #expect(JetStreamMetadata(replySubject: "$JS.ACK.S.C.one.2.3.4.5") == nil, "a count that is not a number")
        #expect(JetStreamMetadata(replySubject: "$JS.ACK.S..1.2.3.4.5") == nil, "no consumer")
    }

    @Test func pullStatusesEndOrFailTheRequest() {
        #expect(PullStatus(nil) == .message)
        #expect(PullStatus(NATSHeaders(status: 100, description: "Idle Heartbeat")) == .heartbeat)
        #expect(PullStatus(NATSHeaders(status: 404, description: "No Messages")) == .done)
        #expect(PullStatus(NATSHeaders(status: 408, description: "Request Timeout")) == .done)
        #expect(PullStatus(NATSHeaders(status: 409, description: "Consumer Deleted")) == .consumerDeleted)
        #expect(PullStatus(NATSHeaders(status: 503)) == .noResponders)
        #expect(PullStatus(NATSHeaders(status: 409, description: "Server Shutdown")) == .failed(409, "Server Shutdown"))
        #expect(PullStatus(NATSHeaders(status: 409, description: "Exceeded MaxWaiting")) == .failed(409, "Exceeded MaxWaiting"))
        #expect(PullStatus(NATSHeaders(status: 409, description: "Leadership Change")) == .failed(409, "Leadership Change"))
        #expect(PullStatus(NATSHeaders(status: 409, description: "Consumer is push based")) == .refused(409, "Consumer is push based"))
        #expect(
            PullStatus(NATSHeaders(status: 409, description: "Exceeded MaxRequestExpires of 1s")) == .refused(409, "Exceeded MaxRequestExpires of 1s"))
        #expect(PullStatus(NATSHeaders(status: 400, description: "Bad Request")) == .refused(400, "Bad Request"))
        for refusal in ["Exceeded MaxRequestBatch of 10", "Exceeded MaxRequestMaxBytes of 1024"] {
            #expect(PullStatus(NATSHeaders(status: 409, description: refusal)) == .refused(409, refusal))
        }
        var withFields = NATSHeaders(status: nil)
        withFields["Nats-Msg-Id"] = "a"
        #expect(PullStatus(withFields) == .message, "headers without a status are a message's own")
    }

    @Test func theAPIErrorObjectBecomesATypedError() throws {
        let reply = ByteBuffer(string: #"{"type":"io.nats.jetstream.api.v1.stream_info_response","error":{"code":404,"err_code":10059,"description":"stream not found"}}"#)
        let error = try #require(throws: JetStreamError.self) { try JetStream.decode(StreamInfo.self, from: reply, operation: "stream info X") }
        #expect(error.code == .api && error.isStreamNotFound)
        #expect(error.apiError == JetStreamError.APIError(code: 404, errorCode: 10059, description: "stream not found"))
        #expect(error.message.contains("stream info X") && error.message.contains("stream not found"))
        let garbage = try #require(throws: JetStreamError.self) { try JetStream.decode(PubAck.self, from: ByteBuffer(string: "+OK"), operation: "publish") }
        #expect(garbage.code == .invalidResponse)
    }

    @Test func configurationsUseTheAPIsNamesAndNanoseconds() throws {
        var config = StreamConfig(name: "ORDERS", subjects: ["orders.>"])
        config.maxAge = .seconds(60)
        config.duplicateWindow = .milliseconds(1500)
        config.retention = .workQueue
        let json = try object(config)
        #expect(integer(json["max_age"]) == 60_000_000_000 && integer(json["duplicate_window"]) == 1_500_000_000)
        #expect(json["retention"] as? String == "workqueue" && integer(json["num_replicas"]) == 1 && integer(json["max_msgs"]) == -1)
        #expect(try JSONDecoder().decode(StreamConfig.self, from: JSONEncoder().encode(config)) == config)

        var consumer = ConsumerConfig(durableName: "billing", filterSubject: "orders.created")
        consumer.ackWait = .seconds(2)
        let consumerJSON = try object(consumer)
        #expect(consumerJSON["durable_name"] as? String == "billing" && consumerJSON["ack_policy"] as? String == "explicit")
        #expect(integer(consumerJSON["ack_wait"]) == 2_000_000_000 && consumerJSON["filter_subject"] as? String == "orders.created")
        let pull = try object(PullConsumer.Request(batch: 10, expires: 5_000_000_000))
        #expect(pull.count == 2 && integer(pull["batch"]) == 10 && integer(pull["expires"]) == 5_000_000_000)
    }

    @Test func whatIsLeftToTheServerCountsAsWhatItFilledIn() {
        var stored = StreamConfig(name: "ORDERS", subjects: ["ORDERS"])
        stored.duplicateWindow = .seconds(120)
        #expect(stored.satisfies(StreamConfig(name: "ORDERS", subjects: [])), "no subjects: the stream's name; no window: the server's")
        var wanted = StreamConfig(name: "ORDERS", subjects: [])
        wanted.duplicateWindow = .seconds(30)
        #expect(!stored.satisfies(wanted), "a window asked for is compared")
        #expect(!stored.satisfies(StreamConfig(name: "ORDERS", subjects: ["orders.>"])))
        let unset = try? JSONSerialization.jsonObject(with: JSONEncoder().encode(StreamConfig(name: "X", subjects: ["x"]))) as? [String: Any]
        #expect(unset?["duplicate_window"] == nil, "an unset window is not sent")
    }

    @Test func aConsumerComparesAsTheServerFilledItIn() throws {
        var stored = ConsumerConfig(durableName: "billing", filterSubject: "orders.created")
        stored.maxRequestBatch = 256  // a server-wide limit nats-server 2.10+ copies into each consumer
        stored.description = "set by an operator"
        let wanted = ConsumerConfig(durableName: "billing", filterSubject: "orders.created")
        #expect(stored.satisfies(wanted))
        var push = stored
        push.deliverSubject = "deliver.billing"
        #expect(!push.satisfies(wanted), "a push consumer of that name is not the pull consumer asked for")
        var other = wanted
        other.ackWait = .seconds(5)
        #expect(!stored.satisfies(other))
        let decoded = try JSONDecoder().decode(
            ConsumerConfig.self, from: Data(#"{"durable_name":"b","filter_subject":"","deliver_subject":"d","max_batch":0}"#.utf8))
        #expect(decoded.filterSubject == nil && decoded.deliverSubject == "d" && decoded.maxRequestBatch == nil)
    }

    @Test func aDomainOrAPrefixNamesTheAPISubjects() {
        #expect(JetStream.apiPrefix(domain: nil, apiPrefix: nil) == "$JS.API")
        #expect(JetStream.apiPrefix(domain: "hub", apiPrefix: nil) == "$JS.hub.API")
        #expect(JetStream.apiPrefix(domain: "hub", apiPrefix: "$JS.imported.API.") == "$JS.imported.API", "a prefix wins")
    }

    func object(_ value: some Encodable) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(value)) as? [String: Any])
    }

    func integer(_ value: Any?) -> Int64? { (value as? NSNumber)?.int64Value }
}
