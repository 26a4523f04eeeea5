/// One row of a query's result, with its columns read as typed Swift values:
///
/// ```swift
/// let id: UUID = try row[0]
/// let name = try row["display_name", as: String?.self]
/// ```
public struct SQLiteRow: Sendable, Hashable {
    /// The column names, as the SQL names them.
    public let columns: [String]
    public let values: [SQLiteValue]

    init(columns: [String], values: [SQLiteValue]) {
        self.columns = columns
        self.values = values
    }

    /// Column `index` (0-based) as `T`.
    /// - Throws: `SQLiteError` `.range` for a column that does not exist, `.mismatch` for a value
    ///   that does not fit `T` (such as NULL for a non-optional type).
    public subscript<T: SQLiteValueConvertible>(_ index: Int, as type: T.Type = T.self) -> T {
        get throws(SQLiteError) {
            guard values.indices.contains(index) else {
                throw SQLiteError(code: .range, message: "the row has \(values.count) columns, not \(index + 1)")
            }
            do {
                return try T(sqliteValue: values[index])
            } catch {
                throw SQLiteError(code: .mismatch, message: "column '\(columns[index])': \(error.message)")
            }
        }
    }

    /// The column named `name` as `T`.
    public subscript<T: SQLiteValueConvertible>(_ name: String, as type: T.Type = T.self) -> T {
        get throws(SQLiteError) {
            guard let index = columns.firstIndex(of: name) else {
                throw SQLiteError(code: .range, message: "the row has no column '\(name)'")
            }
            return try self[index, as: T.self]
        }
    }
}
