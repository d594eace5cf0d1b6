"""The query language's tokens: where each piece of syntax starts and ends in the text.

The language grew on Whoosh's query parser, so its tokens are cut where that parser cut them
(only a range now needs its ``TO`` as a word of its own, so ``[tomato]`` is no range): at
every position the taggers below are tried in this order and the first that matches makes a
token; text between tokens is a word. One compiled alternation does it
(``search`` finds the leftmost position where any tagger matches, and there the first
alternative), which is the same rule as trying every tagger at every position, only faster.

The consequences users rely on: field names start with a letter (``12:30`` stays text), a
field applies only to what touches it (``title: x`` is two words), ``AND``/``OR``/``NOT``
are operators only in capitals and between spaces (``NOT`` also first or after a
parenthesis), ``*`` and ``?`` split a word into the pieces the wildcard step joins again,
and ``~`` starts a thesaurus word only where it does not follow a word (``word~`` and a
phrase's ``"a b"~2`` keep their old meaning).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from dataclasses import field as default

#: The taggers, in the order they are tried at each position.
_TAGGERS: tuple[tuple[str, str], ...] = (
    ("thesaurus", r'(?<![\w"~])~(?:"(?P<quoted>[^"]+)"|(?P<plain>[^\s()"~^:*?\[\]{}]+))'),
    ("andnot", r"(?<=\s)ANDNOT(?=\s)"),
    ("every", r"\*:\*"),
    ("literal", r"(?:^|(?<=\W))'(?P<literal_text>.*?)'(?=\s|\]|[)}]|$)"),
    ("wildcard", "[*?\u055e\u061f\u1367]"),
    ("phrase", r'"(?P<phrase_text>.*?)"(?:~(?P<slop>[1-9][0-9]*))?'),
    ("open", r"\("),
    ("close", r"\)"),
    ("not", r"(?:^|(?<=[\s()]))NOT(?=\s)"),
    ("and", r"(?<=\s)AND(?=\s)"),
    ("or", r"(?<=\s)OR(?=\s)"),
    ("require", r"(?:^|(?<=\s))REQUIRE(?=\s)"),
    ("boost", r"\^(?P<factor>[0-9]*(?:\.[0-9]+)?)(?:$|(?=[ \t\r\n)]))"),
    ("field", r"(?P<name>[A-Za-z_]\w*):"),
    # A range is [start TO end] or {start TO end} (either end may be open, ends may mix),
    # TO in any case and on its own; a bound is one run of characters or 'quoted text'.
    ("range", r"(?P<opening>[\[{])\s*(?P<low>'[^']*'|[^\s'\]}]+)?\s*(?<![^\s\[{])[Tt][Oo](?![^\s\]}])"
              r"\s*(?P<high>'[^']*'|[^\s'\]}]+)?\s*(?P<closing>[\]}])"),
    ("space", r"\s+"),
)
_TAGGER = re.compile("|".join(f"(?P<{kind}>{expr})" for kind, expr in _TAGGERS))

#: Binary operators, loosest first; juxtaposition (the implicit AND) is looser than all.
BINARY = ("require", "andnot", "or", "and")
OPERATORS = frozenset({*BINARY, "not"})
#: Tokens standing for a searchable value (they take a field and a boost).
VALUES = frozenset({"word", "prefix", "wildcard", "phrase", "thesaurus", "range"})
#: Tokens whose text the wildcard step may join to a ``*`` or ``?`` beside them.
TEXTS = frozenset({"word", "prefix", "wildcard", "phrase", "thesaurus"})


@dataclass(eq=False)
class Token:
    """One piece of the query: a value (``word``, ``phrase``...), an operator, a field name
    (``field``), a ``boost``, a parenthesised ``group`` of tokens, ``space``, or (once the
    thesaurus has been read) an ``expansion``.

    Mutable while the parser's steps join, group and label the tokens.
    """

    kind: str
    text: str
    start: int
    end: int
    field: str | None = None
    field_at: int = -1  # where the field name was written
    boost: float = 1.0
    slop: int = 1  # phrases: Whoosh's count, 1 = adjacent words
    high: str | None = None  # ranges: ``text`` is the low bound (None: open), this the high one
    exclusive: tuple[bool, bool] = (False, False)  # ranges: {low, high}
    low_open: bool = False  # ranges: no low bound
    children: list[Token] = default(default_factory=list)  # groups
    terms: tuple[str, ...] = ()  # expansions: the thesaurus terms ``text`` stands for

    @property
    def takes_boost(self) -> bool:
        """Whether a ``^n`` right after this token boosts it."""
        return self.kind in VALUES or self.kind in ("group", "expansion")


def tokenize(text: str) -> list[Token]:
    """The tokens of ``text`` in order, spaces included, words for untagged text."""
    tokens: list[Token] = []
    pos = 0
    for match in _TAGGER.finditer(text):
        if match.start() > pos:
            tokens.append(Token("word", text[pos:match.start()], pos, match.start()))
        tokens.append(_token(match))
        pos = match.end()
    if pos < len(text):
        tokens.append(Token("word", text[pos:], pos, len(text)))
    return tokens


def _token(match: re.Match[str]) -> Token:
    kind = match.lastgroup or ""
    start, end = match.span()
    whole = match.group()
    if kind == "thesaurus":
        return Token("thesaurus", match["quoted"] or match["plain"], start, end)
    if kind == "literal":
        return Token("word", match["literal_text"], start, end)
    if kind == "phrase":
        return Token("phrase", match["phrase_text"], start, end, slop=int(match["slop"] or 1))
    if kind == "boost":
        value = match["factor"]
        # "^" without a number is a word (as Whoosh had it); it analyses to nothing.
        return Token("boost", whole, start, end, boost=float(value)) if value else Token("word", whole, start, end)
    if kind == "field":
        return Token("field", whole, start, end, field=match["name"])
    if kind == "range":
        return _range(match)
    return Token(kind, whole, start, end)


def _range(match: re.Match[str]) -> Token:
    low, high = (_bound(match[name]) for name in ("low", "high"))
    token = Token("range", low or "", match.start(), match.end(), high=high,
                  exclusive=(match["opening"] == "{", match["closing"] == "}"))
    token.low_open = low is None
    return token


def _bound(text: str | None) -> str | None:
    if text is None:
        return None
    return text[1:-1] if len(text) >= 2 and text[0] == text[-1] == "'" else text
