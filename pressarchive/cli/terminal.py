"""What reaches the terminal: no control characters from archived pages, no cut lines in pipes.

Archived titles, texts, URLs and error messages echoing a person's input may carry ESC, CSI
(U+009B) and other control characters; printed raw they would drive the terminal (move the
cursor, rewrite earlier lines, set the window title), so a printed archive could show other
words than it holds. Every console the CLI prints through strips them from the text it renders
(rich's own styling, added after, is kept), :func:`clean` does the same for plain lines, and
:func:`json_text` escapes them (JSON keeps the data exact; a ``\\u001b`` escape is harmless).

Rich lays out to 80 columns when stdout is not a terminal; a pipe or a file gets lines as long
as they are (``COLUMNS``, when set, still wins) so ``pressarchive sources | grep`` sees whole rows.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable
from typing import Any

from rich.console import Console, ConsoleOptions, RenderableType, RenderHook, RenderResult
from rich.segment import Segment

#: C0 controls except tab and newline, DEL, and the C1 controls (U+0080-U+009F).
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
#: Raw characters ``json.dumps(..., ensure_ascii=False)`` leaves in its output that a terminal
#: acts on, and lone surrogates (invalid UTF-8 typed on the command line) that UTF-8 cannot encode.
_JSON_RAW = re.compile("[\x7f-\x9f\ud800-\udfff]")
#: Columns rich lays out to when stdout is not a terminal and COLUMNS is unset: "no limit".
PIPE_WIDTH = 100_000


def clean(text: str) -> str:
    """``text`` without control characters other than tab and newline."""
    return CONTROL.sub("", text)


def json_text(payload: Any) -> str:
    """``payload`` as indented JSON holding no raw control character (JSON escapes C0 itself)."""
    text = json.dumps(payload, ensure_ascii=False, indent=2)
    # Such characters can only stand inside JSON strings, where the escape means the same.
    return _JSON_RAW.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


def console(stderr: bool = False) -> Console:
    """A rich console that strips control characters and does not cut lines in a pipe."""
    out = Console(stderr=stderr)
    if not out.is_terminal and not os.environ.get("COLUMNS"):
        out.width = PIPE_WIDTH
    out.push_render_hook(StripControls())
    return out


class StripControls(RenderHook):
    """Wraps everything printed so its text is rendered without control characters."""

    def process_renderables(self, renderables: list[Any]) -> list[Any]:
        return [_Stripped(renderable) for renderable in renderables]


class _Stripped:
    """A renderable whose text segments lose their control characters; rich's own control
    segments (cursor moves of a live display) pass unchanged."""

    def __init__(self, inner: RenderableType) -> None:
        self.inner = inner

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield from _strip(console.render(self.inner, options))


def _strip(segments: Iterable[Segment]) -> Iterable[Segment]:
    for segment in segments:
        if segment.control or not CONTROL.search(segment.text):
            yield segment
        else:
            yield Segment(clean(segment.text), segment.style, segment.control)
