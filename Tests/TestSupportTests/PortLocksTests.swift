import Foundation
import Testing

@testable import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// Test processes running at once never hand out the same port: what one took, another cannot
/// lock, and what another holds, `freePort` skips. "Another process" is another open file
/// description of the lock file, which locks as a second process would.
@Suite struct PortLocksTests {
    @Test func aPortHandedOutIsHeldAgainstOtherProcesses() throws {
        let port = try NATSServer.freePort()
        let other = open(PortLocks.path, O_RDWR | O_CREAT, 0o666)
        try #require(other >= 0)
        defer { close(other) }
        #expect(!PortLocks.lock(port, on: other), "port \(port) was handed out here")
        #expect(PortLocks.lock(70_000, on: other), "a byte no one holds can be locked")
    }

    @Test func portsAnotherProcessHoldsAreSkipped() throws {
        let other = open(PortLocks.path, O_RDWR | O_CREAT, 0o666)
        try #require(other >= 0)
        defer { close(other) }  // the other process ends: its ports are free again
        let before = try NATSServer.freePort()
        // The ports this process would try next (it walks them in turn), as far as no test here
        // took them meanwhile.
        let held = (before + 1...before + 20).filter { PortLocks.lock($0, on: other) }
        try #require(!held.isEmpty)
        let after = try NATSServer.freePort()
        #expect(!held.contains(after), "\(after) is held by another process")
    }
}
