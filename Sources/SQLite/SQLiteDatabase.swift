import CSQLite
import Foundation

/// One SQLite database file, opened once and shared by a service's handlers.
///
/// The file is opened in WAL mode (readers in other processes do not block the writer), with a
/// busy timeout (a writer in another process is waited for instead of failing at once) and
/// foreign keys on. Calls lend the one connection to one synchronous closure at a time: a
/// closure never suspends, so a transaction can never interleave with another task's, and the
/// lock is held only for the time SQLite works.
public final class SQLiteDatabase: @unchecked Sendable {
    /// Where the database lives (`:memory:` for a private in-memory one).
    public let path: String
    // Every use of `connection` happens under `lock`: that is what makes the class Sendable.
    private let connection: SQLiteConnection
    private let lock = NSLock()
    private var closed = false

    /// Opens (creating if needed) the database at `path`.
    /// - Parameter busyTimeout: how long a statement waits for another process's write lock.
    /// - Throws: `SQLiteError` with SQLite's message when the file cannot be opened or is not a
    ///   database.
    public init(path: String, busyTimeout: Duration = .seconds(5)) throws(SQLiteError) {
        var handle: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let result = sqlite3_open_v2(path, &handle, flags, nil)
        guard result == SQLITE_OK, let handle else {
            var error = SQLiteError(result: result, connection: handle)
            error.message += " (\(path))"
            sqlite3_close_v2(handle)
            throw error
        }
        sqlite3_extended_result_codes(handle, 1)
        let milliseconds = busyTimeout.components.seconds * 1000 + busyTimeout.components.attoseconds / 1_000_000_000_000_000
        sqlite3_busy_timeout(handle, Int32(clamping: milliseconds))
        self.path = path
        self.connection = SQLiteConnection(handle: handle)
        do {
            // WAL persists in the file; NORMAL sync is durable enough with WAL (a power loss may
            // lose the last commits, never corrupt the file).
            try connection.execute("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;")
        } catch {
            sqlite3_close_v2(handle)
            throw error
        }
    }

    /// A private database in memory, gone when closed: for tests.
    public static func inMemory() throws(SQLiteError) -> SQLiteDatabase { try SQLiteDatabase(path: ":memory:") }

    deinit { close() }

    /// Closes the connection; later calls throw `.misuse`.
    public func close() {
        lock.lock()
        defer { lock.unlock() }
        guard !closed else { return }
        closed = true
        connection.finalizeStatements()
        sqlite3_close_v2(connection.handle)
    }

    /// Lends the connection to `body` (reads, or single statements that commit on their own).
    @discardableResult
    public func read<T>(_ body: (SQLiteConnection) throws -> T) throws -> T {
        lock.lock()
        defer { lock.unlock() }
        guard !closed else { throw SQLiteError(code: .misuse, message: "the database \(path) is closed") }
        return try body(connection)
    }

    /// Runs `body` in a transaction: committed when it returns, rolled back when it throws (and
    /// its error rethrown). `BEGIN IMMEDIATE` takes the write lock up front, so two writers wait
    /// for each other (up to the busy timeout) instead of failing when one upgrades a read.
    @discardableResult
    public func write<T>(_ body: (SQLiteConnection) throws -> T) throws -> T {
        try read { connection in
            try connection.execute("BEGIN IMMEDIATE")
            do {
                let result = try body(connection)
                try connection.execute("COMMIT")
                return result
            } catch {
                if connection.isInTransaction { try? connection.execute("ROLLBACK") }
                throw error
            }
        }
    }
}
