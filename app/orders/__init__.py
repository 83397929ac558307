"""Orders: the buyer's request, staff approval, the state machine and the audit trail."""
