import Testing
import MessagingRuntime

@Suite struct StringFormatTests {
    /// Checks every valid example matches and every invalid one does not.
    private func check(_ format: StringFormat, valid: [String], invalid: [String]) {
        for value in valid {
            #expect(format.matches(value), "\(format.rawValue) should accept \(value.debugDescription)")
        }
        for value in invalid {
            #expect(!format.matches(value), "\(format.rawValue) should reject \(value.debugDescription)")
        }
    }

    @Test func rawValuesAndDisplayNames() throws {
        #expect(StringFormat.allCases.map(\.rawValue)
            == ["email", "uuid", "uri", "date-time", "date", "hostname", "ipv4", "ipv6"])
        #expect(StringFormat.allCases.map(\.displayName) == [
            "email address", "UUID", "URI", "ISO date-time", "ISO date", "hostname", "IPv4 address", "IPv6 address",
        ])
        #expect(StringFormat(rawValue: "date-time") == .dateTime)
        #expect(StringFormat(rawValue: "dateTime") == nil)
    }

    @Test func email() {
        check(
            .email,
            valid: [
                "alice@example.com", "a@b.co", "first.last+tag@sub.example.org", "x_y%z-1@a-b.c-d.museum",
                "A@B.CD", "user@192.168.1.com", "a@b.c.de", "-@b.cd", "a.b@c.de", "a@xn--bcher-kva.example", "a@b-c--d.de",
                "1@2.xyz", String(repeating: "a", count: 300) + "@example.com",
            ],
            invalid: [
                "", " ", "alice", "@example.com", "alice@", "alice@example", "alice@example.c", "alice@.com",
                "alice@example.c0m", "alice@example.co1", "alice@@example.com", "a@b@example.com", "alice @example.com",
                "alice@example.com ", " alice@example.com", "alice@example.com\n", "ålice@example.com", "alice@exämple.com",
                "alice@example.cöm", "alice@example_.com", "a(b)@example.com", "alice@example.com.", "alice@example.",
                "a\"b@example.com", "alice@ex ample.com", "alice@example.c-m",
                // As Zod and JSON Schema tools: no empty labels, no dot first, last or twice, no hyphen at a label's ends.
                "...@...ab", "-@-.ab", "a@b..cd", "a@.b.cd", ".a@b.cd", "a.@b.cd", "a..b@c.de", "a@-b.cd", "a@b-.cd", "W0@..pPN", "a@ro--74.de",
            ])
    }

    @Test func uuid() {
        check(
            .uuid,
            valid: [
                "3f2b8c1e-9a4d-4c2e-8f1a-2b3c4d5e6f70", "00000000-0000-0000-0000-000000000000",
                "FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF", "aBcDeF01-2345-6789-abcd-EF0123456789",
            ],
            invalid: [
                "", "3f2b8c1e9a4d4c2e8f1a2b3c4d5e6f70", "3f2b8c1e-9a4d-4c2e-8f1a-2b3c4d5e6f7",
                "3f2b8c1e-9a4d-4c2e-8f1a-2b3c4d5e6f700", "3f2b8c1g-9a4d-4c2e-8f1a-2b3c4d5e6f70",
                "3f2b8c1e-9a4d-4c2e-8f1a_2b3c4d5e6f70", "{3f2b8c1e-9a4d-4c2e-8f1a-2b3c4d5e6f70}",
                "3f2b8c1e-9a4d-4c2e-8f1a-2b3c4d5e6f7-", "3f2b8c1-e9a4d-4c2e-8f1a-2b3c4d5e6f70",
                " 3f2b8c1e-9a4d-4c2e-8f1a-2b3c4d5e6f7", "3f2b8c1e-9a4d-4c2e-8f1a-2b3c4d5e6f7é",
                "urn:uuid:3f2b8c1e-9a4d-4c2e-8f1a-2b3c4d5e6f70", "+f2b8c1e-9a4d-4c2e-8f1a-2b3c4d5e6f70",
            ])
    }

    @Test func uri() {
        check(
            .uri,
            valid: [
                "https://example.com", "http://user:pw@example.com:8080/a/b?c=d&e=f#frag", "urn:isbn:0451450523",
                "mailto:alice@example.com", "a:b", "x+y.z-1:rest", "http://[::1]/", "file:///etc/hosts",
                "https://example.com/%20%aF", "tag:example.com,2005:x;y=z!$&'()*~_", "h:?", "h:#", "h::", "h:%00",
            ],
            invalid: [
                "", ":", "a:", "https", "//example.com/path", "/relative/path", "1http://example.com", "+a:b", "-a:b",
                ":no-scheme", "ht tp://example.com", "http://exa mple.com", "http://example.com/ ", " http://example.com",
                "http://example.com/<>", "http://example.com/\"q\"", "http://example.com/{x}", "http://example.com/a|b",
                "http://example.com/a\\b", "http://example.com/a^b", "http://example.com/a`b", "http://example.com/%",
                "http://example.com/%2", "http://example.com/%zz", "http://example.com/%2G", "http://exämple.com",
                "http://example.com/\n", "http://example.com/\u{7F}", "sch_eme:x", "é:x",
            ])
    }

    @Test func dateTime() {
        check(
            .dateTime,
            valid: [
                "2026-11-29T15:04:05Z", "2026-11-29t15:04:05z", "2026-11-29T15:04:05.1Z", "2026-11-29T15:04:05.123456789012Z",
                "2026-11-29T15:04:05+01:00", "2026-11-29T15:04:05-23:59", "2026-11-29T23:59:59+00:00",
                "2024-02-29T00:00:00Z", "2000-02-29T12:00:00Z", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59.999Z",
                "2026-01-31T00:00:00Z", "2026-04-30T00:00:00Z", "2026-12-31T00:00:00.000+14:00",
            ],
            invalid: [
                "", " ", "2026-11-29", "2026-11-29T15:04:05", "2026-11-29 15:04:05Z", "2026-11-29T15:04Z",
                "2026-11-29T15:04:05ZZ", "2026-11-29T15:04:05Z ", " 2026-11-29T15:04:05Z", "2026-11-29T15:04:05Z\n",
                "2026-11-29T24:00:00Z", "2026-11-29T15:60:00Z", "2026-11-29T15:04:60Z", "2026-11-29T15:04:05.Z",
                "2026-11-29T15:04:05,1Z", "2026-11-29T15:04:05+24:00", "2026-11-29T15:04:05+01:60",
                "2026-11-29T15:04:05+0100", "2026-11-29T15:04:05+01", "2026-11-29T15:04:05 +01:00",
                "2026-13-01T00:00:00Z", "2026-00-01T00:00:00Z", "2026-11-00T00:00:00Z", "2026-11-31T00:00:00Z",
                "2025-02-29T00:00:00Z", "1900-02-29T00:00:00Z", "0000-01-01T00:00:00Z", "26-11-29T15:04:05Z",
                "20261-11-29T15:04:05Z", "2026-1-29T15:04:05Z", "2026-11-29T5:04:05Z", "２026-11-29T15:04:05Z",
                "2026-11-29T15:04:05.١Z", "2026-11-29T15:04:05.12a3Z", "2026-11-29T15:04:05-00:00:00",
            ])
    }

    @Test func date() {
        check(
            .date,
            valid: [
                "2026-11-29", "0001-01-01", "9999-12-31", "2024-02-29", "2000-02-29", "2026-02-28", "2026-01-31",
                "2026-03-31", "2026-06-30",
            ],
            invalid: [
                "", "2026-11-29T00:00:00Z", "2026-11-29 ", " 2026-11-29", "2026-11-29\n", "0000-01-01", "2025-02-29",
                "1900-02-29", "2026-02-30", "2026-04-31", "2026-13-01", "2026-00-10", "2026-11-00", "2026-11-32",
                "2026-1-29", "2026-11-9", "20261-11-29", "2026/11/29", "20261129", "2026-11-2a", "٢٠٢٦-١١-٢٩",
                "+2026-11-29", "2026-W48-7", "2026-333",
            ])
    }

    @Test func hostname() {
        let label63 = String(repeating: "a", count: 63)
        let longest = [label63, label63, label63, String(repeating: "b", count: 61)].joined(separator: ".")  // 253
        check(
            .hostname,
            valid: [
                "example.com", "a", "A-1", "1", "123.456", "xn--bcher-kva.example", "a.b.c.d.e", "a-b-c", "a--b",
                label63, label63 + ".com", longest, "localhost", "1.2.3.4",
            ],
            invalid: [
                "", ".", "example.com.", ".example.com", "exa..mple", "-example.com", "example-.com", "ex_ample.com",
                "exa mple.com", " example.com", "example.com\n", "bücher.example", label63 + "a", longest + "b",
                "a." + label63 + "a", "example.com:80", "*.example.com", "a/b", "-", "a.-b", "a.b-",
            ])
    }

    @Test func ipv4() {
        check(
            .ipv4,
            valid: ["0.0.0.0", "255.255.255.255", "192.168.1.10", "10.0.0.1", "1.2.3.4", "100.20.3.0"],
            invalid: [
                "", "1.2.3", "1.2.3.4.5", "256.0.0.1", "1.2.3.256", "01.2.3.4", "1.2.3.04", "1.2.3.00", "1.2.3.4.",
                ".1.2.3.4", "1..2.3", "1.2.3.-4", "1.2.3.4 ", " 1.2.3.4", "1.2.3.4\n", "0x1.2.3.4", "1.2.3.a",
                "1234.1.1.1", "1.2.3.0004", "١.٢.٣.٤", "1.2.3.4/24", "::1", "999.999.999.999", "1,2,3,4",
            ])
    }

    @Test func ipv6() {
        check(
            .ipv6,
            valid: [
                "::", "::1", "1::", "2001:db8::8a2e:370:7334", "::ffff:192.0.2.1", "1:2:3:4:5:6:7:8",
                "2001:0DB8:0000:0000:0000:ff00:0042:8329", "fe80::", "fe80::1:2:3", "1:2:3:4:5:6:7::", "::2:3:4:5:6:7:8",
                "1:2:3:4:5:6::8", "1::8", "1:2:3:4:5:6:1.2.3.4", "1::1.2.3.4", "::1.2.3.4", "0:0:0:0:0:0:0:0",
                "abcd:ef01:2345:6789:ABCD:EF01:2345:6789", "::ffff:0.0.0.0",
            ],
            invalid: [
                "", ":", ":::", "1", "1:2", "1.2.3.4", "1:2:3:4:5:6:7:8:9", "1::2::3", ":1:2:3:4:5:6:7", "1:2:3:4:5:6:7:",
                "12345::", "1:2:3:4:5:6:7::8", "::1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8::", "g::", "::g", "1:2:3:4:5:6:7:8 ",
                " ::1", "::1%eth0", "fe80::1%1", "::1%", "1:2:3:4:5:6:7:1.2.3.4", "::1.2.3", "::1.2.3.256", "::01.2.3.4",
                "::1.2.3.4:5", "1.2.3.4::", "::1.2.3.4.5", ":::1", "1:::2", "[::1]", "::ffff:1.2.3.4 ", "ⅰ::", "::٣",
                "1:2:3:4:5:6:7:8:1.2.3.4", "1:2:3:4:5:6:7::1.2.3.4", "::-1",
            ])
    }

    @Test func matchesNonNativeStrings() {
        // A substring-derived string and a string with a NUL byte go through the same scanners.
        let text = "xx2026-11-29xx".dropFirst(2).dropLast(2)
        #expect(StringFormat.date.matches(String(text)))
        #expect(!StringFormat.date.matches("2026-11-2\u{0}"))
        #expect(!StringFormat.email.matches("a\u{0}@b.cd"))
    }
}
