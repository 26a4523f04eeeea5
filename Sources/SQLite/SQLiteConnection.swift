import CSQLite

/// An open SQLite connection, lent by ``SQLiteDatabase`` to one caller at a time: run SQL with
/// bound parameters, read rows, reuse prepared statements. Not `Sendable`: use it only inside
/// the closure it was lent to.
///
/// ```swift
/// try database.write { db in
///     try db.run("INSERT INTO users (id, email) VALUES (?, ?)", id, email)
/// }
/// let emails = try database.read { db in try db.query("SELECT email FROM users") { row in try row[0, as: String.self] } }
/// ```
public final class SQLiteConnection {
    let handle: OpaquePointer
    /// Prepared statements by SQL: each is prepared once per connection.
    private var statements: [String: SQLiteStatement] = [:]

    init(handle: OpaquePointer) {
        self.handle = handle
    }

    /// Runs a script of any number of `;`-separated statements, without parameters
    /// (migrations, pragmas, `BEGIN`/`COMMIT`).
    public func execute(_ script: String) throws(SQLiteError) {
        var message: UnsafeMutablePointer<CChar>?
        let result = sqlite3_exec(handle, script, nil, nil, &message)
        guard result == SQLITE_OK else {
            var error = SQLiteError(result: result, connection: handle, sql: script)
            if let message {
                error.message = String(cString: message)
                sqlite3_free(message)
            }
            throw error
        }
    }

    /// The prepared statement for `sql`, prepared on first use and kept, reset and unbound.
    public func prepare(_ sql: String) throws(SQLiteError) -> SQLiteStatement {
        if let statement = statements[sql] {
            statement.reset()
            return statement
        }
        let statement = try SQLiteStatement(sql: sql, connection: handle)
        statements[sql] = statement
        return statement
    }

    /// Runs one statement with `values` bound to its `?` parameters, ignoring rows it yields.
    /// - Returns: the number of rows it inserted, updated or deleted.
    @discardableResult
    public func run(_ sql: String, _ values: any SQLiteValueConvertible...) throws(SQLiteError) -> Int {
        try run(sql, values)
    }

    @discardableResult
    public func run(_ sql: String, _ values: [any SQLiteValueConvertible]) throws(SQLiteError) -> Int {
        let statement = try prepare(sql)
        try statement.bind(values)
        defer { statement.reset() }
        while try statement.step() {}
        return changes
    }

    /// Every row of a query, each turned into a `T` by `transform`.
    public func query<T>(
        _ sql: String, _ values: any SQLiteValueConvertible..., as transform: (SQLiteRow) throws -> T
    ) throws -> [T] {
        try query(sql, values).map(transform)
    }

    /// Every row of a query.
    public func query(_ sql: String, _ values: [any SQLiteValueConvertible] = []) throws(SQLiteError) -> [SQLiteRow] {
        let statement = try prepare(sql)
        try statement.bind(values)
        defer { statement.reset() }
        let columns = statement.columnNames
        var rows: [SQLiteRow] = []
        while try statement.step() {
            rows.append(statement.row(columns: columns))
        }
        return rows
    }

    /// The first row of a query turned into a `T`, or nil when there is none.
    public func first<T>(
        _ sql: String, _ values: any SQLiteValueConvertible..., as transform: (SQLiteRow) throws -> T
    ) throws -> T? {
        try first(sql, values).map(transform)
    }

    /// The first row of a query, or nil; the statement stops after it.
    public func first(_ sql: String, _ values: [any SQLiteValueConvertible] = []) throws(SQLiteError) -> SQLiteRow? {
        let statement = try prepare(sql)
        try statement.bind(values)
        defer { statement.reset() }
        return try statement.step() ? statement.row() : nil
    }

    /// Rows changed by the last `INSERT`, `UPDATE` or `DELETE`.
    public var changes: Int { Int(sqlite3_changes64(handle)) }

    /// The rowid of the last successful `INSERT`.
    public var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }

    /// Whether a transaction is open (autocommit is off).
    public var isInTransaction: Bool { sqlite3_get_autocommit(handle) == 0 }

    /// `PRAGMA user_version`: the schema version migrations record.
    public func userVersion() throws(SQLiteError) -> Int {
        guard let row = try first("PRAGMA user_version") else { return 0 }
        return try row[0]
    }

    /// Drops the cached statements (before closing).
    func finalizeStatements() {
        statements.removeAll()
    }
}
