import CSQLite

/// `SQLITE_TRANSIENT`: SQLite copies bound text and blobs before the bind call returns, so the
/// Swift buffers they came from may go away at once.
let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

/// A prepared statement: parameters bound by position (1-based `?` in the SQL), stepped row by
/// row, columns read as typed values. Belongs to the connection that prepared it and is used
/// only while that connection is held.
public final class SQLiteStatement {
    let handle: OpaquePointer
    let connection: OpaquePointer
    /// The statement's SQL, for error messages.
    public let sql: String

    init(sql: String, connection: OpaquePointer) throws(SQLiteError) {
        var handle: OpaquePointer?
        let result = sqlite3_prepare_v3(connection, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &handle, nil)
        guard result == SQLITE_OK, let handle else {
            throw SQLiteError(result: result == SQLITE_OK ? SQLITE_MISUSE : result, connection: connection, sql: sql)
        }
        self.handle = handle
        self.connection = connection
        self.sql = sql
    }

    deinit { sqlite3_finalize(handle) }

    /// How many `?` parameters the SQL has.
    public var parameterCount: Int { Int(sqlite3_bind_parameter_count(handle)) }

    /// Resets the statement and binds `values` to its parameters, in order.
    /// - Throws: `SQLiteError` `.range` when the count differs from the SQL's parameters.
    public func bind(_ values: [any SQLiteValueConvertible]) throws(SQLiteError) {
        reset()
        guard values.count == parameterCount else {
            throw SQLiteError(
                code: .range, message: "the statement has \(parameterCount) parameters, \(values.count) values were given", sql: sql)
        }
        for (offset, value) in values.enumerated() {
            try bind(value.sqliteValue, at: offset + 1)
        }
    }

    /// Binds one value to the parameter at `index` (1-based).
    public func bind(_ value: SQLiteValue, at index: Int) throws(SQLiteError) {
        let position = Int32(index)
        let result: Int32
        switch value {
        case .null:
            result = sqlite3_bind_null(handle, position)
        case .integer(let number):
            result = sqlite3_bind_int64(handle, position, number)
        case .real(let number):
            result = sqlite3_bind_double(handle, position, number)
        case .text(var text):
            // An empty buffer may have no address, which SQLite would take for NULL.
            result = text.withUTF8 { bytes in
                bytes.isEmpty
                    ? sqlite3_bind_text(handle, position, "", 0, transient)
                    : sqlite3_bind_text(handle, position, bytes.baseAddress, Int32(bytes.count), transient)
            }
        case .blob(let bytes):
            result = bytes.withUnsafeBytes { buffer in
                buffer.isEmpty
                    ? sqlite3_bind_zeroblob(handle, position, 0)
                    : sqlite3_bind_blob(handle, position, buffer.baseAddress, Int32(buffer.count), transient)
            }
        }
        guard result == SQLITE_OK else { throw SQLiteError(result: result, connection: connection, sql: sql) }
    }

    /// Runs the statement to its next row.
    /// - Returns: true when a row is ready to read, false when the statement is done.
    public func step() throws(SQLiteError) -> Bool {
        switch sqlite3_step(handle) {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        case let result:
            let error = SQLiteError(result: result, connection: connection, sql: sql)
            reset()
            throw error
        }
    }

    /// Makes the statement ready to run again; bindings are cleared.
    public func reset() {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }

    // MARK: Columns of the current row

    public var columnCount: Int { Int(sqlite3_column_count(handle)) }

    /// The name of column `index` (0-based), as the SQL names it (`AS` aliases included).
    public func columnName(_ index: Int) -> String { String(cString: sqlite3_column_name(handle, Int32(index))) }

    /// The value of column `index` (0-based) of the current row.
    public func value(at index: Int) -> SQLiteValue {
        let column = Int32(index)
        switch sqlite3_column_type(handle, column) {
        case SQLITE_INTEGER:
            return .integer(sqlite3_column_int64(handle, column))
        case SQLITE_FLOAT:
            return .real(sqlite3_column_double(handle, column))
        case SQLITE_TEXT:
            let count = Int(sqlite3_column_bytes(handle, column))
            guard let text = sqlite3_column_text(handle, column) else { return .text("") }
            return .text(String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self))
        case SQLITE_BLOB:
            let count = Int(sqlite3_column_bytes(handle, column))
            guard let bytes = sqlite3_column_blob(handle, column) else { return .blob([]) }
            return .blob(Array(UnsafeRawBufferPointer(start: bytes, count: count)))
        default:
            return .null
        }
    }

    /// The names of every column, in order.
    public var columnNames: [String] { (0..<columnCount).map(columnName) }

    /// The current row, copied out of the statement.
    public func row() -> SQLiteRow { row(columns: columnNames) }

    /// The current row, with column names read once for the whole result.
    func row(columns: [String]) -> SQLiteRow {
        SQLiteRow(columns: columns, values: columns.indices.map(value(at:)))
    }
}
