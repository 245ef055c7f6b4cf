"""One module per screen or family of small dialogs."""
