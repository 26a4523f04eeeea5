/// A value as SQLite stores it: one of its five storage classes.
public enum SQLiteValue: Sendable, Hashable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])

    /// The storage class's name, for error messages.
    public var typeName: String {
        switch self {
        case .null: "NULL"
        case .integer: "INTEGER"
        case .real: "REAL"
        case .text: "TEXT"
        case .blob: "BLOB"
        }
    }
}

/// A Swift type that binds to a statement parameter and reads back from a column.
public protocol SQLiteValueConvertible {
    /// The value to bind.
    var sqliteValue: SQLiteValue { get }
    /// Reads a column's value; throws `SQLiteError` `.mismatch` when it does not fit.
    init(sqliteValue: SQLiteValue) throws(SQLiteError)
}

extension SQLiteValue: SQLiteValueConvertible {
    public var sqliteValue: SQLiteValue { self }
    public init(sqliteValue: SQLiteValue) { self = sqliteValue }
}

extension SQLiteValue {
    /// The mismatch error for reading `value` as `type`.
    static func mismatch(_ value: SQLiteValue, as type: Any.Type) -> SQLiteError {
        SQLiteError(code: .mismatch, message: "a \(value.typeName) value cannot be read as \(type)")
    }
}

extension Int64: SQLiteValueConvertible {
    public var sqliteValue: SQLiteValue { .integer(self) }
    public init(sqliteValue: SQLiteValue) throws(SQLiteError) {
        guard case .integer(let value) = sqliteValue else { throw SQLiteValue.mismatch(sqliteValue, as: Int64.self) }
        self = value
    }
}

extension Int: SQLiteValueConvertible {
    public var sqliteValue: SQLiteValue { .integer(Int64(self)) }
    public init(sqliteValue: SQLiteValue) throws(SQLiteError) {
        guard case .integer(let value) = sqliteValue, let exact = Int(exactly: value) else {
            throw SQLiteValue.mismatch(sqliteValue, as: Int.self)
        }
        self = exact
    }
}

extension Bool: SQLiteValueConvertible {
    /// Stored as 0 or 1, as SQLite's own boolean expressions are.
    public var sqliteValue: SQLiteValue { .integer(self ? 1 : 0) }
    public init(sqliteValue: SQLiteValue) throws(SQLiteError) {
        guard case .integer(let value) = sqliteValue else { throw SQLiteValue.mismatch(sqliteValue, as: Bool.self) }
        self = value != 0
    }
}

extension Double: SQLiteValueConvertible {
    public var sqliteValue: SQLiteValue { .real(self) }
    /// Reads a REAL, or an INTEGER (which expressions such as `SUM` or a column without a
    /// declared type may yield for a whole number).
    public init(sqliteValue: SQLiteValue) throws(SQLiteError) {
        switch sqliteValue {
        case .real(let value): self = value
        case .integer(let value): self = Double(value)
        default: throw SQLiteValue.mismatch(sqliteValue, as: Double.self)
        }
    }
}

extension String: SQLiteValueConvertible {
    public var sqliteValue: SQLiteValue { .text(self) }
    public init(sqliteValue: SQLiteValue) throws(SQLiteError) {
        guard case .text(let value) = sqliteValue else { throw SQLiteValue.mismatch(sqliteValue, as: String.self) }
        self = value
    }
}

extension [UInt8]: SQLiteValueConvertible {
    public var sqliteValue: SQLiteValue { .blob(self) }
    public init(sqliteValue: SQLiteValue) throws(SQLiteError) {
        guard case .blob(let value) = sqliteValue else { throw SQLiteValue.mismatch(sqliteValue, as: [UInt8].self) }
        self = value
    }
}

extension Optional: SQLiteValueConvertible where Wrapped: SQLiteValueConvertible {
    /// `nil` binds NULL; NULL reads as `nil`.
    public var sqliteValue: SQLiteValue { self?.sqliteValue ?? .null }
    public init(sqliteValue: SQLiteValue) throws(SQLiteError) {
        self = sqliteValue == .null ? nil : try Wrapped(sqliteValue: sqliteValue)
    }
}
