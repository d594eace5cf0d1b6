"""``~word`` in a query: the word replaced by an OR over its thesaurus concept's terms.

A Whoosh parser plugin: its tagger turns ``~arrest`` (or ``~"dark web"``) into a node, and
its filter, run after field names are attached and before they are spread over the
per-language fields, replaces that node (and, with the expand switch, every plain word the
thesaurus knows) by an :class:`ExpansionGroup`: single-word terms become words, analysed
in each language like anything typed, and several-word terms become phrases. Groups keep
what was written and the terms used, so the search result can show them.

Whoosh gives ``~`` a meaning only after a phrase (``"a b"~3``, the slop) and, with a plugin
pressarchive does not load, after a word (fuzzy ``word~2``); a ``~`` at the start of a word
was dropped as punctuation, so this syntax takes nothing away.
"""

from __future__ import annotations

from whoosh import query as wq
from whoosh.qparser import QueryParser, syntax
from whoosh.qparser.plugins import PhrasePlugin, Plugin, TaggingPlugin

from pressarchive.index.errors import QueryError
from pressarchive.index.syntaxcheck import MAX_EXPANSION
from pressarchive.index.thesaurus import Thesaurus

#: Query fields a thesaurus word may be given for: those holding text.
TEXT_FIELDS = (None, "title", "body")


class ThesaurusNode(syntax.TextNode):
    """``~word`` as typed, before expansion."""

    def __init__(self, text: str) -> None:
        super().__init__(text)

    def r(self) -> str:
        return f"~{self.text!r}"


class ExpansionGroup(syntax.GroupNode):
    """The terms a thesaurus word searches (any of them), and what was written.

    Not an ``OrGroup``: whoosh's OR operator would merge a neighbouring word into it.
    """

    qclass = wq.Or

    written = ""
    terms: tuple[str, ...] = ()

    # Later filters rebuild groups through these two; the copies must keep what was written.
    def empty_copy(self) -> ExpansionGroup:
        return self._keeping(super().empty_copy())

    def apply(self, fn: object) -> ExpansionGroup:
        return self._keeping(super().apply(fn))

    def _keeping(self, copy: syntax.GroupNode) -> ExpansionGroup:
        assert isinstance(copy, ExpansionGroup)
        copy.written, copy.terms = self.written, self.terms
        return copy


class ThesaurusTagger(TaggingPlugin):
    """Tags ``~word`` and ``~"several words"`` (``~`` first, not after a word or phrase)."""

    expr = r'(?<![\w"~])~(?:"(?P<quoted>[^"]+)"|(?P<text>[^\s()"~^:*?\[\]{}]+))'
    priority = -10  # before the phrase tagger would take ``"several words"``

    def create(self, parser: QueryParser, match: object) -> ThesaurusNode:
        groups = match.groupdict()  # type: ignore[attr-defined]
        return ThesaurusNode(groups["quoted"] or groups["text"])


class ThesaurusPlugin(Plugin):
    """Expands ``~word`` (always) and every known plain word (when ``expand_all``)."""

    def __init__(self, thesaurus: Thesaurus, expand_all: bool) -> None:
        self.thesaurus = thesaurus
        self.expand_all = expand_all

    def taggers(self, parser: QueryParser) -> list[tuple[object, int]]:
        tagger = ThesaurusTagger()
        return [(tagger, tagger.priority)]

    def filters(self, parser: QueryParser) -> list[tuple[object, int]]:
        # After FieldsPlugin (100) attached field names, before FieldGroupPlugin (110).
        return [(self.expand, 105)]

    def expand(self, parser: QueryParser, group: syntax.GroupNode) -> syntax.GroupNode:
        unknown = [node.text for node in _nodes(group, ThesaurusNode)
                   if self.thesaurus.terms_for(node.text) is None]
        if unknown:
            words = ", ".join(f'"~{word}"' for word in dict.fromkeys(unknown))
            raise QueryError(
                f"{words}: not in the thesaurus; write the word without ~ to search it alone"
            )
        self._replace(group)
        used = sum(len(node.terms) for node in _nodes(group, ExpansionGroup))
        if used > MAX_EXPANSION:
            raise QueryError(
                f"the thesaurus expands this query to {used} terms, more than {MAX_EXPANSION};"
                " expand fewer words"
            )
        return group

    def _replace(self, group: syntax.GroupNode) -> None:
        for i, node in enumerate(group):
            if isinstance(node, ExpansionGroup):
                continue
            if isinstance(node, syntax.GroupNode):
                self._replace(node)
            elif isinstance(node, ThesaurusNode):
                group[i] = self._group(node, f"~{node.text}")
            elif self.expand_all and type(node) is syntax.WordNode and self._known(node):
                group[i] = self._group(node, node.text)

    def _known(self, node: syntax.SyntaxNode) -> bool:
        return node.fieldname in TEXT_FIELDS and self.thesaurus.terms_for(node.text) is not None

    def _group(self, node: syntax.TextNode, written: str) -> ExpansionGroup:
        if node.fieldname not in TEXT_FIELDS:
            raise QueryError(f'"{written}": the thesaurus expands words of the text, not of "{node.fieldname}"')
        terms = self.thesaurus.terms_for(node.text) or []
        start, end = getattr(node, "startchar", 0), getattr(node, "endchar", 0)
        group = ExpansionGroup([_term_node(term, start, end) for term in terms], boost=node.boost)
        group.written, group.terms = written, tuple(terms)
        if node.fieldname is not None:
            group.set_fieldname(node.fieldname, override=True)
        return group


def _term_node(term: str, start: int, end: int) -> syntax.SyntaxNode:
    # Every term stands where the written word stood (whoosh keeps query positions).
    node = PhrasePlugin.PhraseNode(term, textstartchar=start) if " " in term else syntax.WordNode(term)
    node.startchar, node.endchar = start, end
    return node


def _nodes(group: syntax.GroupNode, kind: type) -> list:  # type: ignore[type-arg]
    found = []
    for node in group:
        if isinstance(node, kind):
            found.append(node)
        elif isinstance(node, syntax.GroupNode):
            found.extend(_nodes(node, kind))
    return found


def expansions_of(group: syntax.GroupNode) -> dict[str, list[str]]:
    """Written word -> the terms it was searched as, for every expansion in a parsed tree."""
    return {node.written: list(node.terms) for node in _nodes(group, ExpansionGroup)}
