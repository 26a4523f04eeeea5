extension NATSConnection {
    /// The server refused an operation (event loop). A refused subscription ends with the error
    /// (a refused request inbox fails the requests waiting on it, and the next request subscribes
    /// again); a refused publish fails the requests sent to that subject, since the server refuses
    /// every publish to it. The user hears of it in any case through `events`.
    func failDenied(_ violation: PermissionViolation) {
        let error = NATSClientError(violation)
        switch violation.operation {
        case .subscribe:
            let refused = subscriptions.filter { $0.value.subject == violation.subject && $0.value.queue == violation.queue }
            for (sid, subscription) in refused {
                subscriptions.removeValue(forKey: sid)
                if sid == inboxSID {
                    inboxSID = nil
                    inboxReady.store(false, ordering: .releasing)
                    failRequests(error, refusingInbox: true)
                } else {
                    subscription.buffer.finish(error: error)
                }
            }
        case .publish:
            failRequests(error, where: { $0.subject == violation.subject })
        }
        emit(.permissionViolation(violation))
    }
}
