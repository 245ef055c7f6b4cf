"""The terminal screens. Only this package imports Textual."""
