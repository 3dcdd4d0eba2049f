"""Every side effect of a trajectory: notifications, UWV requests, payments.

Workflows never touch the outside world; they call these activities, which are idempotent on the id the
workflow gives them, so a retried activity never sends, files or pays twice.
"""
