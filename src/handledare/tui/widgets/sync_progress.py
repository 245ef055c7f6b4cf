"""While a long pull runs (a computer joining a share, or one back after weeks away): how
far it is, as a bar and in words. Hidden otherwise."""

from __future__ import annotations

from textual import getters
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Label, ProgressBar

from handledare.i18n import ngettext
from handledare.tui.app_base import AppBase


class SyncProgress(Horizontal):
    DEFAULT_CSS = """
    SyncProgress {
        height: 1;
        padding: 0 1;
        background: $panel;
        display: none;
    }
    SyncProgress.pulling {
        display: block;
    }
    SyncProgress Label {
        width: auto;
        margin-right: 2;
    }
    """

    app = getters.app(AppBase)

    def __init__(self) -> None:
        super().__init__()
        self.words = Label("", id="pull-words")
        self.bar = ProgressBar(show_eta=False, id="pull-bar")

    def compose(self) -> ComposeResult:
        yield self.words
        yield self.bar

    def on_mount(self) -> None:
        self.watch(self.app, "sync_progress", self._show, init=True)

    def _show(self, progress: tuple[int, int] | None) -> None:
        self.set_class(progress is not None, "pulling")
        if progress is None:
            return
        applied, total = progress
        self.words.update(
            ngettext(
                "Fetching from the share: {applied} of {total} file",
                "Fetching from the share: {applied} of {total} files",
                total,
            ).format(applied=applied, total=total)
        )
        self.bar.update(total=total, progress=applied)
