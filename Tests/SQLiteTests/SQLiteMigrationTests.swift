import Foundation
import SQLite
import Testing

@Suite struct SQLiteMigrationTests {
    static let migrations = [
        "CREATE TABLE users (id TEXT PRIMARY KEY, email TEXT NOT NULL);",
        "ALTER TABLE users ADD COLUMN role TEXT NOT NULL DEFAULT 'user'; CREATE INDEX users_email ON users (email);",
    ]

    @Test func migrationsRunOnceEachAndRecordTheVersion() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let path = folder.path("migrated.sqlite")
        let first = try SQLiteDatabase(path: path)
        #expect(try first.migrate(Array(Self.migrations.prefix(1))) == 1)
        try first.read { try $0.run("INSERT INTO users (id, email) VALUES (?, ?)", "1", "a@b.co") }
        first.close()

        let second = try SQLiteDatabase(path: path)
        #expect(try second.migrate(Self.migrations) == 1, "only the new migration runs")
        #expect(try second.migrate(Self.migrations) == 0)
        #expect(try second.read { try $0.userVersion() } == 2)
        #expect(try second.read { try $0.first("SELECT role FROM users")?[0, as: String.self] } == "user", "the data survived")
    }

    @Test func aFailingMigrationIsRolledBackAndTheEarlierOnesStay() throws {
        let database = try SQLiteDatabase.inMemory()
        let broken = Self.migrations + ["CREATE TABLE seats (n INTEGER); CREATE TABLE broken (;"]
        #expect(throws: SQLiteError.self) { try database.migrate(broken) }
        #expect(try database.read { try $0.userVersion() } == 2)
        let tables = try database.read { db in
            try db.query("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name") { try $0[0, as: String.self] }
        }
        #expect(tables == ["users"], "the half-run migration left no table")
    }

    @Test func aDatabaseNewerThanTheProgramIsRefused() throws {
        let database = try SQLiteDatabase.inMemory()
        try database.migrate(Self.migrations)
        #expect { try database.migrate(Array(Self.migrations.prefix(1))) } throws: { error in
            (error as? SQLiteError)?.message.contains("newer than the 1 migrations") == true
        }
    }
}
