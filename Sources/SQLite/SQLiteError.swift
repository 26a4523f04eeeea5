import CSQLite

/// An error SQLite reported: its (extended) result code and its own message, such as
/// `UNIQUE constraint failed: users.email`, with the statement it came from.
public struct SQLiteError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A SQLite result code. The low byte is the primary code (`constraint`), the rest the
    /// extended detail (`SQLITE_CONSTRAINT_UNIQUE`); compare primaries with ``primary``.
    public struct Code: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        public let rawValue: Int32
        public init(rawValue: Int32) { self.rawValue = rawValue }

        public static let error = Code(rawValue: SQLITE_ERROR)
        public static let busy = Code(rawValue: SQLITE_BUSY)
        public static let locked = Code(rawValue: SQLITE_LOCKED)
        public static let readOnly = Code(rawValue: SQLITE_READONLY)
        public static let cannotOpen = Code(rawValue: SQLITE_CANTOPEN)
        public static let constraint = Code(rawValue: SQLITE_CONSTRAINT)
        /// Also raised by this module when a column does not hold the type asked for.
        public static let mismatch = Code(rawValue: SQLITE_MISMATCH)
        public static let misuse = Code(rawValue: SQLITE_MISUSE)
        public static let range = Code(rawValue: SQLITE_RANGE)
        public static let notADatabase = Code(rawValue: SQLITE_NOTADB)

        /// The primary result code, without the extended detail.
        public var primary: Code { Code(rawValue: rawValue & 0xFF) }

        /// SQLite's English name of the code (`constraint failed`).
        public var description: String { String(cString: sqlite3_errstr(rawValue)) }
    }

    public var code: Code
    /// SQLite's message (`sqlite3_errmsg`) or this module's.
    public var message: String
    /// The SQL that failed, when a statement did.
    public var sql: String?

    public init(code: Code, message: String, sql: String? = nil) {
        self.code = code
        self.message = message
        self.sql = sql
    }

    /// The error of the last call on `connection` that returned `result`.
    init(result: Int32, connection: OpaquePointer?, sql: String? = nil) {
        let message = connection.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(result))
        let extended = connection.map { sqlite3_extended_errcode($0) } ?? result
        self.init(code: Code(rawValue: extended), message: message, sql: sql)
    }

    /// A constraint failed (`UNIQUE`, `CHECK`, `NOT NULL`, `FOREIGN KEY`, `PRIMARY KEY`).
    public var isConstraintViolation: Bool { code.primary == .constraint }

    /// Another connection held the database past the busy timeout.
    public var isBusy: Bool { code.primary == .busy || code.primary == .locked }

    public var description: String {
        var text = "SQLite error \(code.rawValue) (\(code)): \(message)"
        if let sql { text += " [\(sql.count > 200 ? sql.prefix(200) + "…" : sql)]" }
        return text
    }
}
