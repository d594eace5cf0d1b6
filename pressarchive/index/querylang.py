"""The query language's parser: the text a person typed -> a validated :mod:`querytree`.

One parser for every engine, so a query means the same and fails with the same message
whichever engine runs it. The text is checked (:mod:`~pressarchive.index.syntaxcheck`: quotes,
brackets, size), cut into tokens (:mod:`~pressarchive.index.querylex`), rewritten step by
step (:mod:`~pressarchive.index.querysteps`: parentheses, wildcards, field names, boosts),
then thesaurus words are expanded, field names and values checked, and the operators
arranged into the tree.

Operators bind, tightest first: ``NOT``, ``AND``, ``OR``, ``ANDNOT`` (the same as ``AND
NOT``), ``REQUIRE`` (the same as ``AND``), and last the implicit AND between clauses side by
side: ``a b OR c`` is ``a AND (b OR c)``. An operator with nothing to apply to is ignored.
Values that stand for no word at all (``!!!``, ``""``) are dropped with whatever only they
made up, and a query left with nothing is :class:`MatchNone`.
"""

from __future__ import annotations

from pressarchive.index.errors import QueryError
from pressarchive.index.fields import MULTI_KEYWORDS, QUERY_FIELDS, TEXT_FIELDS
from pressarchive.index.languages import WORD_RE
from pressarchive.index.querylex import BINARY, VALUES, Token, tokenize
from pressarchive.index.querysteps import (
    apply_boosts, attach_fields, join_wildcards, nest, walk, words_for_stray_boosts,
)
from pressarchive.index.querytree import (
    MAX_BOOST, MIN_BOOST, And, DateRange, Expansion, MatchAll, MatchNone, Node, Not, Or, ParsedQuery, Phrase, Prefix,
    Term, TermRange, Wildcard,
)
from pressarchive.index.queryvalues import DATE_FIELDS, NUMBER_LIMITS, checked_number, date_span, number
from pressarchive.index.syntaxcheck import MAX_EXPANSION, check_syntax
from pressarchive.index.thesaurus import Thesaurus, builtin_thesaurus

__all__ = ["ParsedQuery", "QueryError", "parse_query"]


def parse_query(text: str, *, thesaurus: Thesaurus | None = None, expand: bool = False) -> ParsedQuery:
    """The tree of query ``text``, or a :class:`QueryError` saying what is wrong and where.

    ``~word`` is looked up in ``thesaurus`` (the package's when None); with ``expand`` every
    plain word it knows is expanded too. Blank text is :class:`MatchAll` (browsing).
    """
    if not text.strip():
        return ParsedQuery(MatchAll())
    check_syntax(text)
    tokens = nest(tokenize(text))
    words_for_stray_boosts(tokens)
    join_wildcards(tokens)
    attach_fields(tokens)
    _check_fields(tokens)  # first: a misspelt field is named as such, also before a ~word
    expansions = _expand(tokens, thesaurus or builtin_thesaurus(), expand)
    root = _compound(And, _clauses(apply_boosts(tokens)))
    return ParsedQuery(MatchNone() if root is None else root, expansions)


def _is_text(field: str | None) -> bool:
    return field is None or field.lower() in TEXT_FIELDS


def _expand(tokens: list[Token], thesaurus: Thesaurus, expand_all: bool) -> dict[str, list[str]]:
    """Turn ``~word`` tokens (and, with ``expand_all``, known plain words) into expansions;
    returns written -> terms."""
    unknown = [token for token in walk(tokens)
               if token.kind == "thesaurus" and thesaurus.terms_for(token.text) is None]
    if unknown:
        words = ", ".join(dict.fromkeys(f'"~{token.text}"' for token in unknown))
        raise QueryError(f"{words}: not in the thesaurus; write the word without ~ to search it alone",
                         position=unknown[0].start)
    used = 0
    found: dict[str, list[str]] = {}
    for token in walk(tokens):
        if token.kind == "thesaurus":
            written = f"~{token.text}"
            if not _is_text(token.field):
                raise QueryError(f'"{written}": the thesaurus expands words of the text, not of "{token.field}"',
                                 position=token.start)
        elif not (expand_all and token.kind == "word" and _is_text(token.field)):
            continue
        else:
            written = token.text
        terms = thesaurus.terms_for(token.text)
        if terms is None:  # a plain word the thesaurus does not know
            continue
        token.kind, token.text, token.terms = "expansion", written, tuple(terms)
        found[written] = list(terms)
        used += len(terms)
    if used > MAX_EXPANSION:
        raise QueryError(f"the thesaurus expands this query to {used} terms, more than {MAX_EXPANSION};"
                         " expand fewer words")
    return found


def _check_fields(tokens: list[Token]) -> None:
    """Refuse unknown field names; the known ones are written lower case from here on."""
    for token in walk(tokens):
        if token.field is None or (token.kind not in VALUES and token.kind != "expansion"):
            continue
        name = token.field.lower()
        if name not in QUERY_FIELDS:
            known = ", ".join(sorted(QUERY_FIELDS))
            raise QueryError(
                f'unknown field "{token.field}" (known fields: {known};'
                " put text with a colon in quotes to search it as words)",
                position=token.field_at,
            )
        token.field = name


def _compound(kind: type[And] | type[Or], clauses: list[Node | None], boost: float = 1.0) -> Node | None:
    """``kind`` over the clauses left; one clause unboosted stands alone, none is nothing."""
    present = tuple(clause for clause in clauses if clause is not None)
    if not present:
        return None
    if len(present) == 1 and boost == 1.0:
        return present[0]
    return kind(present, boost)


def _clauses(tokens: list[Token]) -> list[Node | None]:
    """The clauses of one level (the query, or one pair of parentheses), side by side."""
    reader = _Operators(tokens)
    clauses = []
    while reader.pos < len(tokens):
        clauses.append(reader.binary(0))
    return clauses


class _Operators:
    """Arranges one level's tokens by operator, loosest (``REQUIRE``) to tightest (``NOT``)."""

    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.pos = 0

    def _next_is(self, kind: str) -> bool:
        return self.pos < len(self.tokens) and self.tokens[self.pos].kind == kind

    def _operand(self, level: int) -> Node | None:
        return self.binary(level) if level < len(BINARY) else self.unary()

    def binary(self, level: int) -> Node | None:
        """The clause of operators from ``BINARY[level]`` (loosest) to ``NOT`` at the cursor."""
        operands = [self._operand(level + 1)]
        while self._next_is(BINARY[level]):
            self.pos += 1
            operands.append(self._operand(level + 1))
        if len(operands) == 1:
            return operands[0]
        operator = BINARY[level]
        if operator == "or":
            return _compound(Or, operands)
        if operator == "andnot":
            result = operands[0]
            for excluded in operands[1:]:
                result = _compound(And, [result, None if excluded is None else Not(excluded)]) \
                    if result is not None else None
            return result
        return _compound(And, operands)

    def unary(self) -> Node | None:
        """``NOT`` clauses and single values at the cursor."""
        while self.pos < len(self.tokens) and self.tokens[self.pos].kind in BINARY:
            self.pos += 1  # an operator where a clause should be: nothing to join
        if self.pos == len(self.tokens):
            return None
        token = self.tokens[self.pos]
        self.pos += 1
        if token.kind == "not":
            clause = self.unary()
            return None if clause is None else Not(clause)
        return _node(token)


def _boost(token: Token) -> float:
    # "word^0" means "count for nothing": nearly nothing, never zero or negative (a negative
    # boost would rank matches upside down, and some scorers divide by it); "word^999..."
    # counts much, never infinitely.
    return min(max(token.boost, MIN_BOOST), MAX_BOOST)


def _node(token: Token) -> Node | None:
    """The tree for one token: a value, a group or ``*:*``."""
    if token.kind == "every":
        return MatchAll()
    if token.kind == "group":
        return _compound(And, _clauses(token.children), _boost(token))
    if token.kind == "expansion":
        return _expansion(token)
    if token.field in DATE_FIELDS:
        return _date(token)
    if token.field in NUMBER_LIMITS:
        return _number(token)
    if _is_text(token.field):
        return _text(token)
    return _keyword(token)


def _text(token: Token) -> Node | None:
    boost = _boost(token)
    if token.kind == "phrase":
        words = tuple(WORD_RE.findall(token.text))
        return Phrase(token.field, words, token.slop - 1, boost) if words else None
    if token.kind == "word":
        return Term(token.field, token.text, boost) if WORD_RE.search(token.text) else None
    return _pattern(token)


def _keyword(token: Token) -> Node | None:
    if token.kind in ("word", "phrase"):
        # Multi-valued fields hold no blank value; a blank one asks for nothing.
        if token.field in MULTI_KEYWORDS and not token.text.strip():
            return None
        return Term(token.field, token.text, _boost(token))
    return _pattern(token)


def _pattern(token: Token) -> Node:
    boost = _boost(token)
    if token.kind == "prefix":
        return Prefix(token.field, token.text, boost)
    if token.kind == "wildcard":
        return Wildcard(token.field, token.text, boost)
    low = None if token.low_open else token.text
    return TermRange(token.field, low, token.high, not token.exclusive[0], not token.exclusive[1], boost)


def _date(token: Token) -> Node:
    field, boost = str(token.field), _boost(token)
    if token.kind == "range":
        start = None if token.low_open else date_span(token.text, token.start)[0]
        end = None if token.high is None else date_span(token.high, token.start)[1]
        return DateRange(field, start, end, boost)
    if token.kind == "phrase":
        try:
            return DateRange(field, *date_span(token.text, token.start), boost)
        except QueryError:
            raise QueryError(f'invalid value {token.text!r} for field "{field}"', position=token.start) from None
    return DateRange(field, *date_span(token.text, token.start), boost)


def _number(token: Token) -> Node:
    field, boost = str(token.field), _boost(token)
    if token.kind == "range":
        low = None if token.low_open else checked_number(field, token.text, token.start, "Range start ")
        high = None if token.high is None else checked_number(field, token.high, token.start, "Range end ")
        return TermRange(field, low, high, not token.exclusive[0], not token.exclusive[1], boost)
    if token.kind == "wildcard" and token.text == "*":
        return Wildcard(field, "*", boost)  # any value
    if token.kind == "prefix":  # "year:201*" is no number, and never year 201
        checked_number(field, token.text + "*", token.start)
    if token.kind == "phrase":
        if number(field, token.text) is None:
            raise QueryError(f'invalid value {token.text!r} for field "{field}"', position=token.start)
    return Term(field, checked_number(field, token.text, token.start), boost)


def _expansion(token: Token) -> Node | None:
    terms: list[Term | Phrase] = []
    for term in token.terms:
        if " " in term:  # several words: a phrase
            words = tuple(WORD_RE.findall(term))
            if words:
                terms.append(Phrase(token.field, words))
        elif WORD_RE.search(term):
            terms.append(Term(token.field, term))
    return Expansion(token.field, token.text, tuple(terms), _boost(token)) if terms else None
