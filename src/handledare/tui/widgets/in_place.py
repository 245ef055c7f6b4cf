"""New text in a widget of a given width, drawn again without a layout of the whole screen
where its height stays the same.

Textual lays out the whole screen each time a Static's text is updated, in case its size
changed: some tens of milliseconds on a busy screen, at every mark or key typed. A widget
whose width does not follow its text (its styles give it one) and whose new text is as tall
as the old needs only to be drawn again.
"""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static


def update_in_place(widget: Static, text: Content) -> None:
    """`text` in `widget`, laid out again only when it is not yet laid out or its height
    changes."""
    in_place = widget.display and widget.content_size.width > 0
    height = widget.content_size.height
    widget.update(text, layout=not in_place)
    if in_place:
        widget.clear_cached_dimensions()
        size = widget.content_size
        if widget.get_content_height(size, widget.app.size, size.width) != height:
            widget.refresh(layout=True)
