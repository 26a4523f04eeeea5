import Foundation
import Testing

/// `switchboard export openapi|asyncapi`: the documents pass their checks (openapi-spec-validator;
/// AsyncAPI's rules in scripts/check-api-documents.py) and say what the gateway and services do.
@Suite struct ExportAPITests {
    @Test func openAPIAndAsyncAPIDocumentsAreValidAndComplete() async throws {
        let cli = try CLI()
        defer { cli.remove() }
        #expect(try await cli.run("export", "openapi", "--output", "openapi.json").status == 0)
        #expect(try await cli.run("export", "asyncapi", "--output", "asyncapi.json").status == 0)
        let python = ProcessInfo.processInfo.environment["PYTHON"] ?? "python3"
        let (status, output) = try await CLI.tool([
            python, CLI.repository.appendingPathComponent("scripts/check-api-documents.py").path,
            cli.folder.appendingPathComponent("openapi.json").path, cli.folder.appendingPathComponent("asyncapi.json").path,
        ])
        #expect(status == 0 && output.hasSuffix("ok\n"), "\(output)")

        let openapi = try #require(try JSONSerialization.jsonObject(with: Data(cli.read("openapi.json").utf8)) as? [String: Any])
        let paths = try #require(openapi["paths"] as? [String: [String: Any]])
        let register = try #require(paths["/auth/register"]?["post"] as? [String: Any])
        let responses = try #require(register["responses"] as? [String: Any])
        #expect(Set(responses.keys) == ["201", "400", "409", "413", "415", "500", "501", "503", "504"])
        #expect((register["security"] as? [Any])?.isEmpty == true, "a public route")
        let get = try #require(paths["/events/{eventId}"]?["get"] as? [String: Any])
        let parameter = try #require((get["parameters"] as? [[String: Any]])?.first)
        #expect(parameter["name"] as? String == "eventId" && parameter["in"] as? String == "path")
        #expect((parameter["schema"] as? [String: Any])?["format"] as? String == "uuid")
        let list = try #require(paths["/events"]?["get"] as? [String: Any])
        let query = (list["parameters"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
        #expect(query == ["city", "from", "limit", "cursor"])
        let create = try #require(paths["/events"]?["post"] as? [String: Any])
        #expect(create["security"] as? [[String: [String]]] == [["bearerAuth": []]])
        #expect((create["responses"] as? [String: Any])?["403"] != nil, "a route for some roles can be forbidden")

        let asyncapi = try #require(try JSONSerialization.jsonObject(with: Data(cli.read("asyncapi.json").utf8)) as? [String: Any])
        let channels = try #require(asyncapi["channels"] as? [String: [String: Any]])
        #expect(channels["events_update"]?["address"] as? String == "events.{eventId}.update")
        let operations = try #require(asyncapi["operations"] as? [String: [String: Any]])
        #expect(operations["auth_register"]?["action"] as? String == "receive" && operations["auth_register"]?["reply"] != nil)
        #expect(operations["bookings_bookingCreated"]?["action"] as? String == "send")
    }
}
