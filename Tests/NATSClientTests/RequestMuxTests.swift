import Testing

@testable import NATSClient

@Suite struct RequestMuxTests {
    @Test func repliesFindTheirRequestOnce() {
        var mux = RequestMux<String>(prefix: "_INBOX.abc.")
        #expect(mux.subscription == "_INBOX.abc.*")
        let first = mux.reserve(), second = mux.reserve()
        mux.insert("first", for: first)
        mux.insert("second", for: second)
        #expect(mux.replyTo(first) != mux.replyTo(second) && mux.replyTo(first).hasPrefix("_INBOX.abc."))
        #expect(mux.resolve(mux.replyTo(second)) == "second")
        #expect(mux.resolve(mux.replyTo(second)) == nil, "a second reply finds nothing")
        #expect(mux.resolve("_INBOX.other.1") == nil && mux.resolve("elsewhere") == nil)
        #expect(mux.remove(first) == "first")
        #expect(mux.resolve(mux.replyTo(first)) == nil)
        let third = mux.reserve(), fourth = mux.reserve(), fifth = mux.reserve()
        mux.insert("third", for: third)
        mux.insert("fourth", for: fourth)
        mux.insert("fifth", for: fifth)
        #expect(mux.contains(fourth) && !mux.contains(first))
        #expect(mux.removeAll(where: { $0.hasPrefix("f") }) == ["fourth", "fifth"], "in the order they were made")
        #expect(mux.removeAll() == ["third"])
        #expect(mux.count == 0)
    }

    @Test func replyTokensAreBase36IdsAndNothingElse() {
        let prefix = "_INBOX.abc."
        let mux = RequestMux<Int>(prefix: prefix)
        for id: UInt64 in [1, 35, 36, 1_000_000, UInt64.max] {
            #expect(RequestMux<Int>.id(of: mux.replyTo(id), prefix: prefix) == id)
        }
        #expect(mux.replyTo(36) == "_INBOX.abc.10")
        for subject in ["_INBOX.abc.", "_INBOX.abc.A1", "_INBOX.abc.1.2", "_INBOX.abc.-1", "_INBOX.ab.1", "_INBOX.abc.zzzzzzzzzzzzzz",
                        "_INBOX.abc.3w5e11264sgsg" /* UInt64.max + 1 */] {
            #expect(RequestMux<Int>.id(of: subject, prefix: prefix) == nil, "\(subject)")
        }
    }

    @Test func nuidsAreUniqueBase62Tokens() {
        var nuid = NUID()
        var seen = Set<String>()
        for _ in 0..<10_000 {
            let token = nuid.next()
            #expect(token.count == 22 && token.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) })
            seen.insert(token)
        }
        #expect(seen.count == 10_000)
        var other = NUID()
        #expect(other.next().prefix(12) != nuid.next().prefix(12), "each generator has its own random prefix")
    }
}
