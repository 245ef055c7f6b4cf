"""The local SQLite store: the event log and the tables projected from it."""
