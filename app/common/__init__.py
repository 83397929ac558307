"""Cross-cutting pieces: errors, time, the outbox, mail, i18n and security helpers."""
