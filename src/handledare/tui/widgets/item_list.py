"""The walkthrough's checklist: an item's new marker, or the highlight moved, redraws the
lines concerned, not the list.

OptionList's `replace_option_prompt` forgets every option's measured height and
drawn lines, so after a mark the whole checklist (a hundred items, many
wrapping) was measured and drawn again: most of what the screen did for a mark.
A new marker is as wide as the old one, so the item keeps its height and only
its own lines need drawing again. Likewise OptionList draws every line it shows
when another option is highlighted (after each mark, and at each arrow key);
here only the lines of the option left and of the one highlighted. A jump to an
item out of sight (the next open item, after a mark) puts it in the middle of the
list rather than at its edge, so the marks after it do not scroll the list; and a
layout of the screen that leaves the list as it was leaves it alone.

This reaches into OptionList's caches, as Textual 8.2 keeps them (the version
is pinned); the tests of the walkthrough read the redrawn lines back from the
screen, and compare it with the list drawn anew.
"""

from __future__ import annotations

from typing import cast

from textual.css.styles import RulesMap
from textual.geometry import Size
from textual.reactive import reactive
from textual.visual import VisualType
from textual.widgets import OptionList


class ItemList(OptionList):
    highlighted: reactive[int | None] = reactive(None, repaint=False)
    # The option drawn highlighted: OptionList's watcher is told only the new one.
    _drawn_highlighted: int | None = None
    # What the last layout gave: its sizes, and the list's own virtual size then.
    _sized: tuple[Size, Size, Size, Size] | None = None

    def _size_updated(
        self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True
    ) -> bool:
        """As ScrollView's, skipped when the layout gives what it gave last time.

        The layout gives a list its window as virtual size, never the list's own (its
        lines), so ScrollView found a change at every layout of the screen and drew the
        scrollbar again, in a frame of its own: after each mark whose item detail has
        another height, though the list's size and lines stay as they were."""
        sized = (size, virtual_size, container_size, self.virtual_size)
        if sized == self._sized:
            return False
        self._sized = sized
        return super()._size_updated(size, virtual_size, container_size, layout)

    def watch_highlighted(self, highlighted: int | None) -> None:
        self._redraw_option(self._drawn_highlighted)
        self._redraw_option(highlighted)
        self._drawn_highlighted = highlighted
        super().watch_highlighted(highlighted)

    def jump_to(self, index: int) -> None:
        """Highlight the option at `index`; one out of view is scrolled to the middle of
        the list, not to its edge. Marking item after item walks down the list: scrolled
        only as far as the highlight, the list moved at every mark, and a moved list is
        drawn again whole (with its scrollbar), most of a mark's drawing."""
        self._update_lines()
        line = self._line_cache.index_to_line.get(index)
        height = self._line_cache.heights.get(index)
        window = self.scrollable_content_region.height
        if line is not None and height is not None and window and self.is_mounted:
            top = round(self.scroll_offset.y)
            if line < top or line + height > top + window:
                self.scroll_to(
                    y=max(0, line + height // 2 - window // 2),
                    animate=False,
                    force=True,
                    immediate=True,
                )
        self.highlighted = index

    def _redraw_option(self, index: int | None) -> None:
        """The option's lines drawn again; every line when the list is not measured yet."""
        if index is None:
            return
        line = self._line_cache.index_to_line.get(index)
        height = self._line_cache.heights.get(index)
        if line is None or height is None:
            self.refresh()
        else:
            self.refresh_lines(line, height)

    def replace_prompt_in_place(self, option_id: str, prompt: VisualType) -> None:
        """As `replace_option_prompt`; only this option's lines are drawn again while its
        height stays the same (else, or before the list is measured, as OptionList does)."""
        index = self.get_option_index(option_id)
        option = self.get_option_at_index(index)
        height = self._line_cache.heights.get(index)
        option._set_prompt(prompt)
        if height is None or self._measured_height(index) != height:
            self._clear_caches()
            return
        cache = self._option_render_cache
        for key in [key for key in cache.keys() if key[0] is option]:  # noqa: SIM118 (no __iter__)
            cache.discard(key)
        self.refresh_lines(self._line_cache.index_to_line[index], height)

    def _measured_height(self, index: int) -> int:
        """Lines of the option at `index`, measured as `OptionList._update_lines` does."""
        option = self.get_option_at_index(index)
        padding = self.get_component_styles("option-list--option").padding
        width = self.scrollable_content_region.width - self._get_left_gutter_width()
        rules = cast(RulesMap, self.styles)
        return self._get_visual(option).get_height(rules, width - padding.width) + int(
            option._divider
        )
