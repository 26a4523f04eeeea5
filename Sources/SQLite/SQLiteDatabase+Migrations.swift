extension SQLiteDatabase {
    /// Brings the schema up to date: runs, in order, each migration after the last one applied,
    /// each in its own transaction together with the new `PRAGMA user_version`. Migrations are
    /// append-only: the number of applied ones is the database's version.
    ///
    /// - Parameter migrations: SQL scripts; migration `n` (1-based) moves version `n - 1` to `n`.
    /// - Returns: how many migrations ran.
    /// - Throws: `SQLiteError` from a failing script (that migration is rolled back, the ones
    ///   before it stay), or when the file has a version newer than `migrations` knows.
    @discardableResult
    public func migrate(_ migrations: [String]) throws -> Int {
        var applied = 0
        // The version is read again inside each write transaction, so that two processes opening
        // the same file at once never run a migration twice.
        while try write({ connection -> Bool in
            let version = try connection.userVersion()
            guard version <= migrations.count else {
                throw SQLiteError(
                    code: .error,
                    message: "\(path) has schema version \(version), newer than the \(migrations.count) migrations of this program")
            }
            guard version < migrations.count else { return false }
            try connection.execute(migrations[version])
            try connection.execute("PRAGMA user_version = \(version + 1)")
            return true
        }) {
            applied += 1
        }
        return applied
    }
}
