"""The palette's contrast, computed from the style sheets as they are (WCAG 2.1 relative
luminance): every text colour on every surface it is written on reaches AA, 4.5:1;
the edges of fields and the focus ring 3:1 (1.4.11). axe-core checks the pages as
rendered (tests/browser/test_screenshots.py); this checks each pair of the palette,
including those no page of the demo happens to show (a call closing soon, say)."""

import re
from pathlib import Path

from django.conf import settings

STATIC = Path(settings.BASE_DIR) / "static"
SHEETS = [STATIC / "css" / "site.css", STATIC / "agenda" / "agenda.css"]
SHEETS += [STATIC / "registration" / "ticket.css"]

# Which text is written on which surfaces (by the palette's names, without "--gmc-").
LIGHT_SURFACES = ["paper", "mist", "sky", "provisional-bg"]
DARK_SURFACES = ["navy", "navy-deep"]
TEXT_ON = {
    **dict.fromkeys(
        ["ink", "ink-muted", "link", "heading", "open", "soon", "provisional-ink"],
        LIGHT_SURFACES,
    ),
    **dict.fromkeys(["on-navy", "on-navy-muted", "amber"], DARK_SURFACES),
}
# Not text: a control's edge must be seen (3:1) on the surfaces forms sit on; the focus
# ring is two rings (amber outside, a dark one inside), one of which must stand out on
# every surface.
EDGES_ON = {"field-edge": ["paper", "mist"]}
FOCUS_RING = ["amber", "focus-inner"]
DECORATION = {"line"}  # separators only; never the only sign of anything


def luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    light, dark = sorted([luminance(a), luminance(b)], reverse=True)
    return (light + 0.05) / (dark + 0.05)


def rules(path: Path) -> list[tuple[str, dict[str, str]]]:
    """(selector, declarations) of every rule of a style sheet, @media rules' included."""
    text = re.sub(r"/\*.*?\*/", "", path.read_text(), flags=re.S)
    found = []
    for chunk in text.split("}"):
        if "{" not in chunk:
            continue
        selector, body = chunk.rsplit("{", 1)
        declarations = {}
        for declaration in body.split(";"):
            if ":" in declaration:
                name, value = declaration.split(":", 1)
                declarations[name.strip()] = value.strip()
        found.append((selector.split("{")[-1].strip(), declarations))
    return found


def palette() -> dict[str, str]:
    root = dict(next(d for s, d in rules(STATIC / "css" / "site.css") if s == ":root"))
    return {
        name.removeprefix("--gmc-"): value.lower()
        for name, value in root.items()
        if name.startswith("--gmc-") and re.fullmatch(r"#[0-9a-fA-F]{6}", value)
    }


def colours_in(value: str, colours: dict[str, str]) -> list[str]:
    """The colours a declaration's value names: palette variables and #rrggbb."""
    named = [colours[name] for name in re.findall(r"var\(--gmc-([\w-]+)\)", value)]
    # A colour literal, not an escaped one inside a data: URL (%23fff).
    return named + [c.lower() for c in re.findall(r"(?<![%\w])#[0-9a-fA-F]{6}\b", value)]


def test_every_text_colour_reaches_aa_on_every_surface_it_is_written_on():
    colours = palette()
    weak = [
        f"{text} on {surface}: {contrast(colours[text], colours[surface]):.2f}:1"
        for text, surfaces in TEXT_ON.items()
        for surface in surfaces
        if contrast(colours[text], colours[surface]) < 4.5
    ]
    assert weak == []


def test_field_edges_and_the_focus_ring_reach_three_to_one():
    colours = palette()
    weak = [
        f"{edge} on {surface}"
        for edge, surfaces in EDGES_ON.items()
        for surface in surfaces
        if contrast(colours[edge], colours[surface]) < 3
    ]
    for surface in LIGHT_SURFACES + DARK_SURFACES:
        best = max(contrast(colours[ring], colours[surface]) for ring in FOCUS_RING)
        if best < 3:
            weak.append(f"focus ring on {surface}: {best:.2f}:1")
    assert weak == []


def test_every_colour_of_the_palette_has_its_place_in_these_checks():
    """A new colour fails here until it says where it may be written."""
    placed = set(TEXT_ON) | set(EDGES_ON) | set(FOCUS_RING) | DECORATION
    placed |= set(LIGHT_SURFACES) | set(DARK_SURFACES)
    assert set(palette()) - placed == set()


def test_a_rule_setting_both_text_and_background_reaches_aa():
    """Each rule that sets a text colour and a background together (a button, the menu,
    the band, the ticket's head), Bootstrap's button variables included, in every state."""
    colours = palette()
    weak = []
    checked = 0
    for selector, declarations in (rule for sheet in SHEETS for rule in rules(sheet)):
        pairs = [("color", "background"), ("color", "background-color")]
        states = {re.sub(r"-(bg|color)$", "", n) for n in declarations if n.startswith("--bs-btn")}
        pairs += [(f"{state}-color", f"{state}-bg") for state in states]
        for text_property, background_property in pairs:
            if text_property not in declarations or background_property not in declarations:
                continue
            texts = colours_in(declarations[text_property], colours)
            backgrounds = colours_in(declarations[background_property], colours)
            for text in texts:
                for background in backgrounds:
                    checked += 1
                    ratio = contrast(text, background)
                    if ratio < 4.5:
                        weak.append(f"{selector}: {text} on {background}, {ratio:.2f}:1")
    assert weak == []
    assert checked >= 10  # the sheets' pairs were found and computed
