import Foundation
import MessagingRuntime
import Testing

/// W3C Trace Context `traceparent` parsing and propagation.
@Suite struct TraceContextTests {
    @Test func parsesWhatTheSpecificationAllowsOnly() throws {
        let trace = try #require(TraceContext(traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"))
        #expect(trace.traceID == "4bf92f3577b34da6a3ce929d0e0e4736" && trace.parentID == "00f067aa0ba902b7" && trace.flags == 1)
        #expect(trace.traceparent == "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
        #expect(TraceContext(traceparent: "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra") != nil, "a later version may add fields")
        for flags in ["00", "01", "0a", "10", "ff"] {
            let header = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-\(flags)"
            #expect(TraceContext(traceparent: header)?.traceparent == header)
        }
        for invalid in [
            "", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7", "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            "00-00000000000000000000000000000000-00f067aa0ba902b7-01", "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
            "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",
            "00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01",
        ] {
            #expect(TraceContext(traceparent: invalid) == nil, "\(invalid)")
        }
    }

    @Test func childrenKeepTheTraceAndNewTracesAreValid() throws {
        let start = TraceContext.start()
        #expect(TraceContext(traceparent: start.traceparent) == start)
        let child = start.child()
        #expect(child.traceID == start.traceID && child.parentID != start.parentID && child.flags == start.flags)
        #expect(TraceContext.start().traceID != start.traceID)
    }
}

@Suite struct RandomIDTests {
    @Test func uuidsAreVersion4LowerCaseAndDistinct() throws {
        var seen = Set<String>()
        for _ in 0..<1_000 {
            let id = RandomID.uuid()
            let parsed = try #require(UUID(uuidString: id), "\(id)")
            #expect(parsed.uuidString.lowercased() == id)
            let characters = Array(id)
            #expect(characters[14] == "4", "version 4: \(id)")
            #expect("89ab".contains(characters[19]), "RFC variant: \(id)")
            seen.insert(id)
        }
        #expect(seen.count == 1_000)
        #expect(RandomID.hex(bytes: 8).count == 16 && RandomID.hex(bytes: 16).count == 32)
        #expect(RandomID.hex(bytes: 8).allSatisfy { $0.isHexDigit && !$0.isUppercase })
    }
}
