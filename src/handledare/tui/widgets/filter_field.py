"""The field above a list that filters it as one types."""

from textual.widgets import Input


class FilterField(Input):
    """An Input whose content is never narrower than the field.

    Textual lays out the whole screen when an Input's content width changes, as it does
    with every key typed; the field's own width does not change (it fills its place),
    so that layout is wasted, and on the manager's overview it costs a key typed some
    ten milliseconds. Text longer than the field still scrolls as in any Input.
    """

    @property
    def content_width(self) -> int:
        return max(super().content_width, self.content_region.width)
