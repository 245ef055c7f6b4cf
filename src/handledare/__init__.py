"""handledare: introduction of hourly substitutes in municipal elder care."""

__version__ = "0.1.0"
