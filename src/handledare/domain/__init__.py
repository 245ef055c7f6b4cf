"""Plain data of the domain: no I/O, no database, no screen."""
