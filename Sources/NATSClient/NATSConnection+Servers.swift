extension NATSConnection {
    /// The server pool: the servers the connection was given and those the cluster announced in
    /// INFO (`isDiscovered`), in the order they will be tried; the one in use is last.
    public func serverPool() async -> [ServerPool.Entry] {
        (try? await eventLoop.submit { self.machine.pool.entries }.get()) ?? []
    }
}
