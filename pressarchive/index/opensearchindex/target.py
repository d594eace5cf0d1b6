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
from pressarchive.index.opensearchindex.client import Server, calling
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

        def count(field: str, query: Query) -> int:
            deadline.check()
            if field.startswith(("title_", "body_")):
                return self._count_text_words(field, query, deadline)
            response = self.search(keyword_count_request(field, query), deadline)
            matches = keyword_matcher(query, field)
            return sum(1 for bucket in response["aggregations"]["values"]["buckets"] if matches(str(bucket["key"])))

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
                    index=self.server.name, body={"analyzer": analyzer_name(group), "text": " ".join(words)})
            return {starts[token["start_offset"]]: token["token"] for token in found.get("tokens", [])
                    if token["start_offset"] in starts}

        return analyze

    def _count_text_words(self, field: str, query: Query, deadline: Deadline) -> int:
        left = max(deadline.at - time.monotonic(), 0.001)
        with calling(self.server, query=True, time_limit=deadline.seconds):
            response = self.client.indices.validate_query(
                index=self.server.name, body={"query": rewritten(field, query)},
                params={"rewrite": "true", "explain": "true", "all_shards": "true", "request_timeout": left + _GRACE},
            )
        if not response.get("valid", False):
            error = str(response.get("error", ""))
            if "maxClauseCount" in error or "too many" in error.lower():
                return MAX_EXPANSION + 1
            raise QueryError(f"invalid query: {error[:300]}")
        return len(words_in_explanations(field, response.get("explanations", [])))
