"""The two colour schemes: the standard one and a high-contrast one."""

from textual.theme import Theme as TextualTheme

from handledare.domain.enums import Theme

HIGH_CONTRAST = TextualTheme(
    name="handledare-high-contrast",
    primary="#FFFF00",
    secondary="#00FFFF",
    accent="#FFFF00",
    foreground="#FFFFFF",
    background="#000000",
    surface="#000000",
    panel="#1A1A1A",
    success="#00FF00",
    warning="#FFAA00",
    error="#FF5555",
    dark=True,
)

TEXTUAL_THEME = {Theme.DEFAULT: "textual-dark", Theme.HIGH_CONTRAST: HIGH_CONTRAST.name}
