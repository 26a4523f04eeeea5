import Foundation

extension UUID: SQLiteValueConvertible {
    /// Stored as lower-case text (`1b4e28ba-2fa1-11d2-883f-0016d3cca427`), the form subject tokens
    /// and lock keys use; compare ids in SQL in that form.
    public var sqliteValue: SQLiteValue { .text(uuidString.lowercased()) }
    public init(sqliteValue: SQLiteValue) throws(SQLiteError) {
        guard case .text(let text) = sqliteValue, let value = UUID(uuidString: text) else {
            throw SQLiteValue.mismatch(sqliteValue, as: UUID.self)
        }
        self = value
    }
}

extension Data: SQLiteValueConvertible {
    public var sqliteValue: SQLiteValue { .blob(Array(self)) }
    public init(sqliteValue: SQLiteValue) throws(SQLiteError) {
        guard case .blob(let bytes) = sqliteValue else { throw SQLiteValue.mismatch(sqliteValue, as: Data.self) }
        self = Data(bytes)
    }
}
