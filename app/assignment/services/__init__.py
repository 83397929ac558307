"""The assignment use cases, one module per concern (rounds, dispatch, answers, withdrawal)."""
