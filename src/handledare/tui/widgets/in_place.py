"""New text in a widget of a given width, drawn again without a layout of the whole screen
where its height stays the same, or (`update_keeping_height`) where it need not grow.

Textual lays out the whole screen each time a Static's text is updated, in case its size
changed: some tens of milliseconds on a busy screen, at every mark or key typed. A widget
whose width does not follow its text (its styles give it one) and whose new text is as tall
as the old needs only to be drawn again. One whose height does change is laid out once:
`PlacedStatic` does not ask for the second layout Textual would follow it with.
"""

from __future__ import annotations

from textual.content import Content
from textual.geometry import Size
from textual.widgets import Static


def update_in_place(widget: Static, text: Content) -> None:
    """`text` in `widget`, laid out again only when it is not yet laid out or its height
    changes."""
    if not _laid_out(widget):
        widget.update(text)
        return
    shown = widget.content_size.height
    widget.update(text, layout=False)
    if _lines_needed(widget) != shown:
        widget.refresh(layout=True)


def update_keeping_height(widget: Static, text: Content) -> None:
    """`text` in `widget`, which grows to the lines the text needs but does not shrink: what
    stands below it stays where it is, and a text that needs fewer lines is only drawn
    again. `release_height` lets it fit its text again (as at a new width)."""
    if not _laid_out(widget):
        widget.update(text)
        return
    shown = widget.content_size.height
    widget.update(text, layout=False)
    lines = max(_lines_needed(widget), shown)
    if widget.styles.inline.height is None or lines != shown:
        widget.styles.height = lines + widget.styles.gutter.height  # laid out again


class PlacedStatic(Static):
    """A Static that asks for no second layout once a layout has given it a new size.

    Textual's layout sets each resized widget's virtual size through a reactive that lays
    the whole screen out again, which places nothing anew (some 10-20 ms after each mark
    whose next item's detail has another height). A Static does not scroll: its virtual
    size is its region's, given by that same layout, and no other widget's place depends
    on it."""

    def _size_updated(
        self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True
    ) -> bool:
        return super()._size_updated(size, virtual_size, container_size, layout=False)


def release_height(widget: Static) -> None:
    """The height `update_keeping_height` kept, given back to the widget's styles."""
    widget.styles.height = None


def _laid_out(widget: Static) -> bool:
    return bool(widget.display and widget.content_size.width > 0)


def _lines_needed(widget: Static) -> int:
    """The lines the widget's text takes at its width, measured anew."""
    widget.clear_cached_dimensions()
    size = widget.content_size
    return widget.get_content_height(size, widget.app.size, size.width)
