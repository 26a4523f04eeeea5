import Foundation
import SQLite
import Testing

/// A fresh folder under the system's temporary directory, removed by `remove()`.
struct TemporaryFolder {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("sqlite-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    func remove() { try? FileManager.default.removeItem(at: url) }
}

@Suite struct SQLiteDatabaseTests {
    @Test func valuesRoundTripThroughAFileWithTheirTypes() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let database = try SQLiteDatabase(path: folder.path("values.sqlite"))
        try database.read { db in
            try db.execute("CREATE TABLE t (i INTEGER, r REAL, s TEXT, b BLOB, n TEXT, u TEXT, flag INTEGER)")
            let id = UUID()
            try db.run(
                "INSERT INTO t VALUES (?, ?, ?, ?, ?, ?, ?)", Int64.max, 2.5, "héllo 🌍\u{0}tail", [UInt8]([0, 1, 255]), String?.none,
                id, true)
            try db.run("INSERT INTO t VALUES (?, ?, ?, ?, ?, ?, ?)", 0, 0.0, "", [UInt8](), "x", id, false)
            let rows = try db.query("SELECT * FROM t ORDER BY i DESC")
            #expect(rows.count == 2)
            #expect(try rows[0][0, as: Int64.self] == Int64.max)
            #expect(try rows[0]["r", as: Double.self] == 2.5)
            #expect(try rows[0]["s", as: String.self] == "héllo 🌍\u{0}tail", "text keeps every byte, NUL included")
            #expect(try rows[0]["b", as: [UInt8].self] == [0, 1, 255])
            #expect(try rows[0]["n", as: String?.self] == nil)
            #expect(try rows[0]["u", as: UUID.self] == id)
            #expect(try rows[0]["flag", as: Bool.self])
            #expect(try rows[1]["s", as: String.self] == "", "an empty string is not NULL")
            #expect(rows[1].values[3] == .blob([]), "an empty blob is not NULL")
            #expect(try rows[1]["n", as: String?.self] == "x")
        }
        database.close()
        // The file keeps it all; WAL is on.
        let reopened = try SQLiteDatabase(path: folder.path("values.sqlite"))
        #expect(try reopened.read { try $0.first("SELECT count(*) FROM t")?[0, as: Int.self] } == 2)
        #expect(try reopened.read { try $0.first("PRAGMA journal_mode")?[0, as: String.self] } == "wal")
    }

    @Test func aValueOfTheWrongTypeOrAMissingColumnIsAClearError() throws {
        let database = try SQLiteDatabase.inMemory()
        let row = try #require(try database.read { try $0.first("SELECT NULL AS name, 'x' AS id") })
        #expect(throws: SQLiteError.self) { try row["name", as: String.self] }
        do {
            _ = try row["name", as: String.self]
        } catch {
            #expect(error.code == .mismatch && error.message == "column 'name': a NULL value cannot be read as String")
        }
        #expect(throws: SQLiteError.self) { try row["id", as: Int.self] }
        #expect(throws: SQLiteError.self) { try row["missing", as: String.self] }
        #expect(throws: SQLiteError.self) { try row[5, as: String.self] }
    }

    @Test func errorsCarrySQLitesMessageAndCode() throws {
        let database = try SQLiteDatabase.inMemory()
        try database.read { try $0.execute("CREATE TABLE users (email TEXT NOT NULL UNIQUE)") }
        try database.read { try $0.run("INSERT INTO users VALUES (?)", "a@b.co") }
        do {
            try database.read { try $0.run("INSERT INTO users VALUES (?)", "a@b.co") }
            Issue.record("a duplicate was inserted")
        } catch let error as SQLiteError {
            #expect(error.isConstraintViolation && error.code.primary == .constraint)
            #expect(error.message == "UNIQUE constraint failed: users.email")
            #expect(error.sql == "INSERT INTO users VALUES (?)")
        }
        #expect { try database.read { try $0.run("SELEC 1") } } throws: { error in
            (error as? SQLiteError)?.message.contains("syntax error") == true
        }
        #expect(throws: SQLiteError.self, "a parameter count that does not match") {
            try database.read { try $0.run("INSERT INTO users VALUES (?)", "a", "b") }
        }
        // The statement cache does not keep a failed statement's state.
        try database.read { try $0.run("INSERT INTO users VALUES (?)", "c@d.co") }
        #expect(try database.read { try $0.first("SELECT count(*) FROM users")?[0, as: Int.self] } == 2)
    }

    @Test func aTransactionCommitsOrRollsBackAsAWhole() throws {
        let database = try SQLiteDatabase.inMemory()
        try database.read { try $0.execute("CREATE TABLE seats (seat TEXT PRIMARY KEY)") }
        let inserted = try database.write { db in
            try db.run("INSERT INTO seats VALUES (?)", "A1")
            return try db.run("INSERT INTO seats VALUES (?)", "A2")
        }
        #expect(inserted == 1)
        struct Refused: Error {}
        #expect(throws: Refused.self) {
            try database.write { db in
                try db.run("INSERT INTO seats VALUES (?)", "A3")
                throw Refused()
            }
        }
        #expect(throws: SQLiteError.self) {
            try database.write { db in
                try db.run("INSERT INTO seats VALUES (?)", "A4")
                try db.run("INSERT INTO seats VALUES (?)", "A1")
            }
        }
        let seats = try database.read { db in try db.query("SELECT seat FROM seats ORDER BY seat") { try $0[0, as: String.self] } }
        #expect(seats == ["A1", "A2"], "neither the refused nor the failed transaction left a row")
        #expect(try database.read { $0.isInTransaction } == false)
    }

    @Test func twoConnectionsToOneFileWaitForEachOtherUpToTheBusyTimeout() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let first = try SQLiteDatabase(path: folder.path("shared.sqlite"))
        let second = try SQLiteDatabase(path: folder.path("shared.sqlite"), busyTimeout: .milliseconds(50))
        try first.read { try $0.execute("CREATE TABLE counter (n INTEGER)") }
        try first.read { try $0.execute("BEGIN IMMEDIATE; INSERT INTO counter VALUES (1);") }
        // WAL: the other connection still reads the last committed state while a write is open.
        #expect(try second.read { try $0.first("SELECT count(*) FROM counter")?[0, as: Int.self] } == 0)
        do {
            try second.write { try $0.run("INSERT INTO counter VALUES (2)") }
            Issue.record("a second writer got in while the first held the lock")
        } catch let error as SQLiteError {
            #expect(error.isBusy, "\(error)")
        }
        try first.read { try $0.execute("COMMIT") }
        try second.write { try $0.run("INSERT INTO counter VALUES (2)") }
        #expect(try first.read { try $0.first("SELECT sum(n) FROM counter")?[0, as: Int.self] } == 3)
    }

    @Test func concurrentTasksShareOneDatabaseSafely() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let database = try SQLiteDatabase(path: folder.path("tasks.sqlite"))
        try database.read { try $0.execute("CREATE TABLE counter (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)") }
        try database.read { try $0.run("INSERT INTO counter VALUES (1, 0)") }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    for _ in 0..<50 {
                        try database.write { db in
                            let n = try db.first("SELECT n FROM counter WHERE id = 1")?[0, as: Int.self] ?? 0
                            try db.run("UPDATE counter SET n = ? WHERE id = 1", n + 1)
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(try database.read { try $0.first("SELECT n FROM counter")?[0, as: Int.self] } == 400, "no update was lost")
    }

    @Test func aFileThatIsNotADatabaseOrCannotBeOpenedIsRefused() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let garbage = folder.path("garbage.sqlite")
        try Data(repeating: 0x41, count: 4096).write(to: URL(fileURLWithPath: garbage))
        #expect { try SQLiteDatabase(path: garbage) } throws: { error in
            (error as? SQLiteError)?.code.primary == .notADatabase
        }
        #expect { try SQLiteDatabase(path: folder.path("missing/folder/db.sqlite")) } throws: { error in
            guard let error = error as? SQLiteError else { return false }
            return error.code.primary == .cannotOpen && error.message.contains("missing/folder/db.sqlite")
        }
        let closed = try SQLiteDatabase.inMemory()
        closed.close()
        #expect(throws: SQLiteError.self) { try closed.read { try $0.execute("SELECT 1") } }
    }
}
