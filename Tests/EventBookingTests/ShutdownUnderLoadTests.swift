import Foundation
import Synchronization
import TestSupport
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// SIGTERM to `event-booking serve` while requests are in flight: every request the gateway took
/// is answered (none is cut off or turned into a 5xx); later ones are refused at the door.
@Suite(.serialized, .timeLimit(.minutes(2))) struct ShutdownUnderLoadTests {
    final class Started: Sendable {
        let count = Mutex(0)
    }

    enum Outcome: Sendable, Equatable {
        case answered(Int)
        case refused
        case cutOff(String)
    }

    @Test func sigtermDuringLoadLosesNoRequestThatWasTaken() async throws {
        let nats = try NATSServer(jetStream: true)
        defer { nats.stop() }
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("event-booking-load-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: data) }
        let port = try NATSServer.freePort()
        // Password hashing makes each registration take a while: many are in flight at the SIGTERM.
        let server = try ServeCommandTests.Server([
            "--nats", nats.url, "--http-port", String(port), "--data-dir", data.path, "--password-iterations", "30000",
        ])
        #expect(try await server.waitUntilAuthServes(), "\(server.log)")
        let http = HTTPTestClient(port: port)
        let started = Started()

        let outcomes = Task {
            await withTaskGroup(of: Outcome.self) { group in
                for index in 0..<40 {
                    group.addTask {
                        started.count.withLock { $0 += 1 }
                        do {
                            let response = try await http.send(
                                "POST", "/auth/register", json: #"{"email":"load\#(index)@example.com","password":"password \#(index)"}"#)
                            return .answered(response.status)
                        } catch let error as URLError where error.code == .cannotConnectToHost {
                            return .refused
                        } catch let error as URLError where error.code == .networkConnectionLost && "\(error)".contains("Send failure") {
                            // Reset before the request could even be sent (curl's send failed): a
                            // connection the kernel had queued but the closing gateway never took.
                            return .refused
                        } catch {
                            return .cutOff("\(error)")
                        }
                    }
                }
                return await group.reduce(into: [Outcome]()) { $0.append($1) }
            }
        }
        for _ in 0..<500 where started.count.withLock({ $0 }) < 40 { try await Task.sleep(for: .milliseconds(5)) }
        try await Task.sleep(for: .milliseconds(150))  // requests are in the gateway and the auth service
        #expect(await server.terminate() == 0, "\(server.log)")
        let results = await outcomes.value
        let answered = results.compactMap { if case .answered(let status) = $0 { status } else { nil } }
        #expect(!answered.isEmpty, "some requests were in flight at the SIGTERM")
        #expect(answered.allSatisfy { $0 == 201 }, "every request taken was answered properly: \(answered)")
        #expect(!results.contains { if case .cutOff = $0 { true } else { false } }, "none was cut off: \(results)")
    }
}
