"""The alias a search runs against, and each call it makes there within the time limit.

Every call gets what is left of the search's :class:`~pressarchive.index.deadline.Deadline`,
as the server-side ``timeout`` and as the client's own request timeout, so a search past the
time limit raises :class:`~pressarchive.index.QueryTooExpensive` however it runs over. Besides
searches: counting the words a pattern stands for (:mod:`.expansion`), and the index
analyzer's terms for words (:meth:`Target.analyzer`), both for the translator.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from opensearchpy import OpenSearch

from pressarchive.errors import UserError
from pressarchive.index.deadline import Deadline
from pressarchive.index.errors import QueryError
from pressarchive.index.opensearchindex.client import Server, calling, reason_text
from pressarchive.index.opensearchindex.expansion import (
    keyword_count_request, keyword_matcher, rewritten, words_in_explanations,
)
from pressarchive.index.opensearchindex.template import analyzer_name
from pressarchive.index.opensearchindex.translate import Analyzer, Query, WordCounter
from pressarchive.index.syntaxcheck import MAX_EXPANSION

# The client waits this much longer than the server's own timeout before giving up itself.
_GRACE = 0.5

#: OpenSearch's default clause limit, assumed when the server's own cannot be read.
DEFAULT_MAX_CLAUSES = 1024


def max_clauses(client: OpenSearch, server: Server) -> int:
    """The server's ``indices.query.bool.max_clause_count`` (its default if unreadable: reading
    cluster settings needs a privilege a search user may lack)."""
    try:
        with calling(server):
            found = client.cluster.get_settings(
                params={"include_defaults": "true", "flat_settings": "true",
                        "filter_path": "**.indices.query.bool.max_clause_count"})
    except UserError:
        return DEFAULT_MAX_CLAUSES
    for scope in ("transient", "persistent", "defaults"):
        value = (found.get(scope) or {}).get("indices.query.bool.max_clause_count")
        if value is not None:
            return int(value)
    return DEFAULT_MAX_CLAUSES


def request_timeout(deadline: Deadline) -> float:
    """How long the client waits for one call within ``deadline``: what is left of it, and a
    little more, so the server's own timeout (where a call has one) answers first."""
    return max(deadline.at - time.monotonic(), 0.001) + _GRACE


@dataclass
class Target:
    """The alias searched, through which client; ``max_clauses`` is the server's
    ``indices.query.bool.max_clause_count``."""

    client: OpenSearch
    server: Server
    max_clauses: int = DEFAULT_MAX_CLAUSES

    def search(self, body: dict[str, Any], deadline: Deadline, **params: Any) -> dict[str, Any]:
        """One ``_search`` within what is left of ``deadline``; over it: QueryTooExpensive."""
        left = deadline.at - time.monotonic()
        if left <= 0:
            raise deadline.error()
        body = {**body, "timeout": f"{max(int(left * 1000), 1)}ms"}
        # A point-in-time search names no index: its point in time does.
        index = None if "pit" in body else self.server.name
        with calling(self.server, query=True, time_limit=deadline.seconds):
            response: dict[str, Any] = self.client.search(
                index=index, body=body, params={**params, "request_timeout": left + _GRACE},
            )
        if response.get("timed_out"):
            raise deadline.error()
        deadline.check()
        return response

    def count_words(self, deadline: Deadline) -> WordCounter:
        """A word counter for the translator (:mod:`.expansion`), bounded by ``deadline``."""

        def count(pairs: list[tuple[str, Query]]) -> list[int]:
            deadline.check()
            text = [(field, query) for field, query in pairs if field.startswith(("title_", "body_"))]
            counts = self._count_text_words(text, deadline) if text else {}
            return [counts[field] if field in counts else self._count_values(field, query, deadline)
                    for field, query in pairs]

        return count

    def analyzer(self, deadline: Deadline) -> Analyzer:
        """Single words -> their index terms in a group, by the index's own analyzer."""

        def analyze(group: str, words: list[str]) -> dict[str, str]:
            deadline.check()
            starts, offset = {}, 0
            for word in words:
                starts[offset] = word
                offset += len(word) + 1
            with calling(self.server, query=True, time_limit=deadline.seconds):
                found = self.client.indices.analyze(
                    index=self.server.name, body={"analyzer": analyzer_name(group), "text": " ".join(words)},
                    params={"request_timeout": request_timeout(deadline)})
            return {starts[token["start_offset"]]: token["token"] for token in found.get("tokens", [])
                    if token["start_offset"] in starts}

        return analyze

    def _count_values(self, field: str, query: Query, deadline: Deadline) -> int:
        response = self.search(keyword_count_request(field, query), deadline)
        matches = keyword_matcher(query, field)
        return sum(1 for bucket in response["aggregations"]["values"]["buckets"] if matches(str(bucket["key"])))

    def _count_text_words(self, pairs: list[tuple[str, Query]], deadline: Deadline) -> dict[str, int]:
        """Field -> words, up to one past the cap. Prefixes and wildcards are listed in one
        call, each field's share of the clause limit at a time; a field that fills its share
        (or a range, which cannot be cut short) is counted again on its own."""
        share = min(self.max_clauses // len(pairs), MAX_EXPANSION + 1)
        patterns = [(field, query) for field, query in pairs if "range" not in query]
        counts: dict[str, int] = {}
        if len(patterns) > 1 and share > 1:
            found = self._validate([(field, rewritten(field, query, share)) for field, query in patterns], deadline)
            counts = {field: found[field] for field, _ in patterns if found is not None and found[field] < share}
        for field, query in pairs:
            if field not in counts:
                alone = self._validate([(field, rewritten(field, query))], deadline)
                counts[field] = MAX_EXPANSION + 1 if alone is None else alone[field]
        return counts

    def _validate(self, pairs: list[tuple[str, Query]], deadline: Deadline) -> dict[str, int] | None:
        """Field -> words its rewritten query lists; None when they pass the clause limit."""
        deadline.check()
        body = {"query": {"bool": {"should": [query for _, query in pairs]}}}
        with calling(self.server, query=True, time_limit=deadline.seconds):
            response = self.client.indices.validate_query(
                index=self.server.name, body=body,
                params={"rewrite": "true", "explain": "true", "all_shards": "true",
                        "request_timeout": request_timeout(deadline)},
            )
        # With all_shards, a shard that could not rewrite the query (a range past the clause
        # limit) is a failure beside "valid": true, and explains nothing.
        failures = [reason_text(failure.get("reason")) for failure in response.get("_shards", {}).get("failures", [])]
        if not response.get("valid", False) or failures:
            error = str(response.get("error", "")) or "; ".join(failures)
            if "maxClauseCount" in error or "too many" in error.lower():
                return None
            raise QueryError(f"invalid query: {error[:300]}")
        explanations = response.get("explanations", [])
        return {field: len(words_in_explanations(field, explanations)) for field, _ in pairs}
