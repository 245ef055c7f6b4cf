"""One line at the bottom of the working screens: the state of sync."""

from textual.widgets import Static

from handledare.tui.literal import literal


class StatusLine(Static):
    DEFAULT_CSS = """
    StatusLine {
        height: 1;
        padding: 0 1;
        color: $text-muted;
        background: $panel;
    }
    """

    def on_mount(self) -> None:
        self.watch(self.app, "sync_status", self._show, init=True)

    def _show(self, text: str) -> None:
        self.update(literal(text))
