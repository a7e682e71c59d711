# kaoping — English interface text: audit

pager-older = Older entries
audit-title = Audit log
audit-time = Time
audit-actor = Actor
audit-action = Action
audit-object = Object
audit-result = Result
audit-client = Client address
audit-detail = Detail
audit-from = From
audit-to = To
audit-any-result = Any result
audit-verify = Verify the hash chain
audit-verify-ok = The audit log is intact: the SM3 hash chain of { $count } entries verifies.
audit-verify-broken = The audit log was tampered with: entry { $seq } fails verification ({ $reason }).
