"""The steps between tokens and tree: parentheses, wildcards, field names and boosts.

Each step rewrites the token list the way Whoosh's parser filters did, in the same order, so
queries keep the meaning they had: parentheses nest first; a ``^n`` at the top level that
follows nothing boostable becomes a word; ``*`` and ``?`` join the text touching them
(``deten*`` is a prefix, ``?a*`` a pattern); a field name labels the value right after it
(for a group, every value inside that has no field of its own); spaces go; each remaining
``^n`` boosts what precedes it.
"""

from __future__ import annotations

from collections.abc import Iterator

from pressarchive.index.querylex import TEXTS, VALUES, Token

#: Characters that make a wildcard pattern (besides ``*``); one makes it more than a prefix.
QUESTION_MARKS = "?\u055e\u061f\u1367"


def nest(tokens: list[Token]) -> list[Token]:
    """Parenthesised runs of ``tokens`` as ``group`` tokens; a whole query in parentheses
    is its content. A ``)`` closing nothing is dropped and the content of a ``(`` never
    closed joins the top level (the syntax check leaves only quoted cases of either)."""
    stack: list[tuple[Token | None, list[Token]]] = [(None, [])]
    for token in tokens:
        if token.kind == "open":
            stack.append((token, []))
        elif token.kind == "close":
            if len(stack) > 1:
                opening, children = stack.pop()
                assert opening is not None
                stack[-1][1].append(Token("group", "", opening.start, token.end, children=children))
        else:
            stack[-1][1].append(token)
    top = stack[0][1]
    for _, children in stack[1:]:
        top.extend(children)
    if len(top) == 1 and top[0].kind == "group":
        return top[0].children
    return top


def walk(tokens: list[Token]) -> Iterator[Token]:
    """Every token, groups' content included, in the order written."""
    for token in tokens:
        yield token
        if token.kind == "group":
            yield from walk(token.children)


def as_word(token: Token) -> Token:
    """A token that means nothing where it stands, searched as the text it was written as."""
    return Token("word", token.text, token.start, token.end)


def words_for_stray_boosts(tokens: list[Token]) -> None:
    """At the top level, a ``^n`` at the start or after something it cannot boost (a space,
    an operator) is a word."""
    for i, token in enumerate(tokens):
        if token.kind == "boost" and (i == 0 or not tokens[i - 1].takes_boost):
            tokens[i] = as_word(token)


def join_wildcards(tokens: list[Token]) -> None:
    """Join each ``*`` or ``?`` with the text touching it into one pattern; a pattern whose
    only wildcard is one final ``*`` becomes a prefix (its text without the ``*``)."""
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token.kind != "wildcard":
            if token.kind == "group":
                join_wildcards(token.children)
            i += 1
            continue
        if i < len(tokens) - 1 and tokens[i + 1].kind in TEXTS:
            following = tokens.pop(i + 1)
            token.text, token.end = token.text + following.text, following.end
        if i > 0 and tokens[i - 1].kind in TEXTS:
            preceding = tokens.pop(i - 1)
            token.text, token.start = preceding.text + token.text, preceding.start
        else:
            i += 1
    for token in tokens:
        text = token.text
        if token.kind == "wildcard" and len(text) > 1 and text.find("*") == len(text) - 1 \
                and not any(mark in text for mark in QUESTION_MARKS):
            token.kind, token.text = "prefix", text[:-1]


def attach_fields(tokens: list[Token]) -> None:
    """Give each field name to the token right after it (not across a space); a field name
    with nothing to label is a word (``title: x`` searches the words "title" and "x")."""
    labelled: list[Token] = []
    i = len(tokens)
    while i > 0:
        i -= 1
        token = tokens[i]
        if token.kind == "field":
            token = as_word(token)
        elif token.kind == "group":
            attach_fields(token.children)
        if i > 0 and token.kind != "space" and tokens[i - 1].kind == "field":
            _label(token, tokens[i - 1])
            i -= 1
        labelled.append(token)
    labelled.reverse()
    tokens[:] = labelled


def _label(token: Token, name: Token) -> None:
    # A value keeps a field of its own; a field before an operator or a boost is lost.
    if token.kind == "group":
        for child in token.children:
            _label(child, name)
    elif token.kind in VALUES and token.field is None:
        token.field, token.field_at = name.field, name.start


def apply_boosts(tokens: list[Token]) -> list[Token]:
    """The tokens without spaces, each ``^n`` applied to the token before it (dropped when
    that cannot take a boost: inside parentheses, ``(AND ^2)`` boosts nothing)."""
    kept: list[Token] = []
    for token in tokens:
        if token.kind == "space":
            continue
        if token.kind == "boost":
            if kept and kept[-1].takes_boost:
                kept[-1].boost = token.boost
            continue
        if token.kind == "group":
            token.children = apply_boosts(token.children)
        kept.append(token)
    return kept
