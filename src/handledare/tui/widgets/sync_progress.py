"""While a long pull runs (a computer joining a share, or one back after weeks away): how
far it is, as a bar and in words. Hidden otherwise; the bar is made at the first pull shown,
so that the sign-in, which carries this too, does not build one at every start."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import getters
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Label

if TYPE_CHECKING:
    from textual.widgets import ProgressBar

from handledare.i18n import ngettext
from handledare.tui.app_base import AppBase


class SyncProgress(Vertical):
    """The words above the bar, which is as wide as a narrow box allows."""

    DEFAULT_CSS = """
    SyncProgress {
        height: auto;
        padding: 0 1;
        margin-bottom: 1;
        display: none;
    }
    SyncProgress.pulling {
        display: block;
    }
    SyncProgress.top {
        dock: top;
        margin-bottom: 0;
        background: $panel;
    }
    """

    app = getters.app(AppBase)

    def __init__(self, *, top: bool = False) -> None:
        """`top`: above everything else on a screen without a header (the sign-in's box
        fills a small terminal)."""
        super().__init__(classes="top" if top else None)
        self.words = Label("", id="pull-words")
        self.bar: ProgressBar | None = None

    def compose(self) -> ComposeResult:
        yield self.words

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
        if self.bar is None:
            from textual.widgets import ProgressBar  # the first pull shown: see the docstring

            self.bar = ProgressBar(show_eta=False, id="pull-bar")
            self.mount(self.bar)
        self.bar.update(total=total, progress=applied)
