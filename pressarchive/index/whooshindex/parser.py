"""The configured Whoosh query parser: field names, per-language expansion, stop words.

Users write ``title:word`` or plain words; the index has one title and body field per
language. :class:`FieldGroupPlugin` expands each word onto those fields (title boosted) and
rejects unknown field names. :class:`ArchiveParser` keeps a stop word from vetoing an AND: a
word that one language throws away is treated as present in every document of that language.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from functools import lru_cache

from whoosh.qparser import QueryParser, plugins, syntax
from whoosh.query import MultiTerm, Query, Term

from pressarchive.index.languages import OTHER, fold
from pressarchive.index.errors import QueryError
from pressarchive.index.thesaurus import Thesaurus, builtin_thesaurus
from pressarchive.index.whooshindex.thesaurusquery import ThesaurusPlugin
from pressarchive.index.fields import QUERY_FIELDS, body_field, group_of_field, title_field
from pressarchive.index.whooshindex.schema import build_schema

TITLE_BOOST = 2.0
MIN_BOOST = 1e-6
# Field names start with a letter, so "12:30" or "1:0" stay plain text.
_FIELD_EXPR = r"(?P<text>[A-Za-z_]\w*):"


class FieldGroupPlugin(plugins.Plugin):
    """Map query field names onto index fields: one name may stand for several fields.

    ``expansions`` maps a query field name (None for unfielded words) to the index fields it
    searches; other names in ``QUERY_FIELDS`` are used as they are; anything else is an error.
    """

    def __init__(self, expansions: Mapping[str | None, tuple[str, ...]]) -> None:
        self.expansions = expansions

    def filters(self, parser: QueryParser) -> list[tuple[object, int]]:
        # After FieldsPlugin (100) has attached field names to the nodes they precede.
        return [(self.expand, 110)]

    def expand(self, parser: QueryParser, group: syntax.GroupNode) -> syntax.GroupNode:
        for i, node in enumerate(group):
            if isinstance(node, syntax.GroupNode):
                group[i] = self.expand(parser, node)
            elif node.has_fieldname:
                group[i] = self._expand_node(node)
        return group

    def _expand_node(self, node: syntax.SyntaxNode) -> syntax.SyntaxNode:
        name = node.fieldname.lower() if node.fieldname else None
        if name not in self.expansions:
            if name not in QUERY_FIELDS:
                known = ", ".join(sorted(QUERY_FIELDS))
                raise QueryError(
                    f'unknown field "{node.fieldname}" (known fields: {known};'
                    ' put text with a colon in quotes to search it as words)'
                )
            node.set_fieldname(name, override=True)
            return node
        copies = []
        for fieldname in self.expansions[name]:
            field_node = copy.copy(node)
            field_node.set_fieldname(fieldname, override=True)
            boost = TITLE_BOOST if name is None and fieldname.startswith("title_") else 1.0
            field_node.set_boost(node.boost * boost)
            copies.append(field_node)
        return syntax.OrGroup(copies)


class ArchiveParser(QueryParser):
    """QueryParser whose per-language term queries treat that language's stop words as present."""

    def term_query(  # type: ignore[override]
        self,
        fieldname: str,
        text: str,
        termclass: type,
        boost: float = 1.0,
        tokenize: bool = True,
        removestops: bool = True,
    ) -> Query | None:
        group = group_of_field(fieldname)
        if group is not None and isinstance(termclass, type) and issubclass(termclass, MultiTerm):
            # A prefix or wildcard is a piece of a word: fold it, but stemming it would cut
            # it differently from the words it should match ("operació*" -> "operaci", while
            # "operación" is indexed as "oper"). The matcher also accepts those stems.
            return termclass(fieldname, fold(text), boost=boost)
        q = super().term_query(fieldname, text, termclass, boost, tokenize, removestops)
        if q is not None or group in (None, OTHER) or not self._has_words(fieldname, text):
            return q
        # Without this, "la operación" could never match a Spanish text: "la" is not indexed
        # there, and the AND would require it. A negligible boost so the stop word does not
        # rank (MIN_BOOST, the least any query keeps: see query._clamp_boosts).
        return Term("lang_group", group, boost=MIN_BOOST)

    def _has_words(self, fieldname: str, text: str) -> bool:
        # Punctuation analyses to nothing in every language; only real stop words count.
        field = self.schema[fieldname]
        return any(True for _ in field.process_text(text, mode="query", removestops=False))


def field_expansions(groups: tuple[str, ...]) -> dict[str | None, tuple[str, ...]]:
    """Query field name -> index fields, for documents analysed in ``groups``."""
    titles = tuple(title_field(group) for group in groups)
    bodies = tuple(body_field(group) for group in groups)
    return {None: titles + bodies, "title": titles, "body": bodies}


@lru_cache(maxsize=64)
def parser_for(groups: tuple[str, ...], thesaurus: Thesaurus | None = None,
               expand_all: bool = False) -> ArchiveParser:
    """A parser searching the per-language fields of ``groups``, with ``~word`` expanded
    from ``thesaurus`` (the package's when None) and, with ``expand_all``, every known word.

    Cached: parsing is stateless, and each search would otherwise rebuild the schema.
    """
    parser = ArchiveParser(None, build_schema())
    parser.remove_plugin_class(plugins.FieldsPlugin)
    # remove_unknown=False keeps unknown names so FieldGroupPlugin can report them.
    parser.add_plugin(plugins.FieldsPlugin(expr=_FIELD_EXPR, remove_unknown=False))
    parser.add_plugin(ThesaurusPlugin(thesaurus or builtin_thesaurus(), expand_all))
    parser.add_plugin(FieldGroupPlugin(field_expansions(groups)))
    return parser
