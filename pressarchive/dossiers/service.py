"""What every face (CLI, JSON API, web) does with operations: list, dossier, correct.

Corrections are validated here, once: the operation or figure they name must exist, kinds
and qualifiers must be known, and each carries who made it and why.
"""

from __future__ import annotations

import math
import unicodedata
from datetime import UTC, datetime

from pressarchive.dossiers.coverage import coverage_of
from pressarchive.dossiers.document_facts import DocumentFacts, current_version, document_facts
from pressarchive.dossiers.dossier import Dossier, build_dossier
from pressarchive.dossiers.figures import corrected_figures, same_text
from pressarchive.dossiers.listing import OperationSummary, summarise
from pressarchive.dossiers.names import OperationNames, members_of, operation_names, readings
from pressarchive.errors import NotFound, UserError
from pressarchive.extract.operations import normalise_operation
from pressarchive.record import FIGURE_KINDS, QUALIFIERS, Figure
from pressarchive.searchparams import MAX_DOC_ID
from pressarchive.store import Archive, StoredDocument
from pressarchive.store.corrections import ADD_FIGURE, MERGE_OPERATION, REJECT_FIGURE, Correction

MAX_AUTHOR_CHARS = 100
MAX_REASON_CHARS = 2000
MAX_QUOTE_CHARS = 2000
MAX_UNIT_CHARS = 8


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class Dossiers:
    """Operations, their dossiers and the hand corrections, over one archive."""

    def __init__(self, archive: Archive) -> None:
        self.archive = archive

    def names(self) -> OperationNames:
        return operation_names(self.archive.operation_mentions(), self.archive.operation_merges())

    def operations(self) -> list[OperationSummary]:
        mentions = self.archive.operation_mentions()  # read once: names and counts both need it
        return summarise(mentions, operation_names(mentions, self.archive.operation_merges()))

    def dossier(self, name: str) -> Dossier:
        """The dossier of the operation ``name`` means (any spelling, case, accents, or a merged alias)."""
        names = self._names_for(name)
        key = names.resolve(name)
        members = names.members[key]
        documents = self.archive.operation_documents(members)
        figures = self.archive.figures(doc.version_id for doc in documents)
        corrections = self.archive.corrections()
        reports = {
            doc.id: corrected_figures(doc, figures.get(doc.version_id, []), corrections) for doc in documents
        }
        coverage = coverage_of(self.archive, documents)
        return build_dossier(key, names.names[key], members, names.merges, documents, reports, coverage)

    def document_facts(self, stored: StoredDocument) -> DocumentFacts:
        """The countries, agencies and corrected figures of one document, for its own faces."""
        return document_facts(self.archive, stored)

    def _names_for(self, name: str) -> OperationNames:
        """The names ``name`` may mean, read from the store for those keys only (all on a miss,
        for the suggestions)."""
        merges = self.archive.operation_merges()
        for key in readings(name):
            canonical = merges[key].key if key in merges else key
            found = self.archive.operation_mentions(members_of(canonical, merges))
            if found:
                return operation_names(found, merges)
        return self.names()

    # -- corrections ------------------------------------------------------------------------------

    def corrections(self, include_withdrawn: bool = False) -> list[Correction]:
        return self.archive.corrections(include_withdrawn)

    def merge_operations(self, old: str, new: str, *, author: str, reason: str) -> Correction:
        """From now on ``old`` is shown, counted and searched as ``new``."""
        author, reason = _who_and_why(author, reason)
        names = self.names()
        old_key = normalise_operation(old.strip())
        merge = names.merges.get(old_key)
        if merge is not None:
            raise UserError(
                f"{old.strip()[:60]!r} is already merged into {merge.name!r} "
                f"(correction {merge.correction.id}); withdraw that first"
            )
        old_key = names.resolve(old)
        new_key = names.resolve(new)
        if old_key == new_key:
            raise UserError(f"{old.strip()[:60]!r} and {new.strip()[:60]!r} are already the same operation")
        payload = {"alias": old_key, "alias_name": names.names[old_key],
                   "canonical": new_key, "canonical_name": names.names[new_key]}
        return self.archive.add_correction(MERGE_OPERATION, old_key, payload, author, reason, _now())

    def reject_figure(
        self, doc_id: int, kind: str, value: float, sentence_contains: str = "", *, author: str, reason: str,
    ) -> Correction:
        """Mark a figure the extractor got wrong; it stays visible, struck out, and is not compared."""
        author, reason = _who_and_why(author, reason)
        _check_kind(kind)
        value = _check_value(value)
        sentence_contains = " ".join(sentence_contains.split())[:MAX_QUOTE_CHARS]
        figures = self._current_figures(doc_id)
        matching = [
            f for f in figures
            if f.kind == kind and f.value == value and same_text(sentence_contains, f.sentence)
        ]
        if not matching:
            raise NotFound(
                f"document {doc_id} reports no {kind} figure of {_number(value)}"
                + (f" in a sentence containing {sentence_contains[:60]!r}" if sentence_contains else "")
                + f"; it reports: {_listing(figures)}"
            )
        for existing in self.archive.corrections():
            if existing.kind == REJECT_FIGURE and existing.target == str(doc_id) and all(
                existing.payload.get(k) == v for k, v in
                {"kind": kind, "value": value, "sentence_contains": sentence_contains}.items()
            ):
                raise UserError(f"that figure is already rejected (correction {existing.id})")
        payload = {"document_id": doc_id, "kind": kind, "value": value,
                   "sentence_contains": sentence_contains, "sentence": matching[0].sentence}
        return self.archive.add_correction(REJECT_FIGURE, str(doc_id), payload, author, reason, _now())

    def add_figure(
        self, doc_id: int, kind: str, value: float, *, qualifier: str = "exact", quote: str = "",
        unit: str = "", author: str, reason: str,
    ) -> Correction:
        """A figure the document reports that the extractor missed."""
        author, reason = _who_and_why(author, reason)
        _check_kind(kind)
        value = _check_value(value)
        if qualifier not in QUALIFIERS:
            raise UserError(f"bad qualifier {qualifier[:40]!r}: expected one of {', '.join(QUALIFIERS)}")
        if len(unit) > MAX_UNIT_CHARS or len(quote) > MAX_QUOTE_CHARS:
            raise UserError(f"unit or quote too long (at most {MAX_UNIT_CHARS} and {MAX_QUOTE_CHARS} characters)")
        self._current_figures(doc_id)  # the document must exist
        payload = {"document_id": doc_id, "kind": kind, "value": value, "qualifier": qualifier,
                   "quote": " ".join(quote.split()), "unit": unit.strip()}
        return self.archive.add_correction(ADD_FIGURE, str(doc_id), payload, author, reason, _now())

    def withdraw(self, correction_id: int, *, author: str) -> Correction:
        """Take a correction back; it stays on record as withdrawn, by whom and when."""
        author, _reason = _who_and_why(author, "withdrawn")
        withdrawn = self.archive.withdraw_correction(correction_id, author, _now())
        if withdrawn is None:
            raise NotFound(f"no active correction with id {correction_id}")
        return withdrawn

    def _current_figures(self, doc_id: int) -> list[Figure]:
        stored = self.archive.get_document(doc_id) if 1 <= doc_id <= MAX_DOC_ID else None
        version = current_version(stored) if stored is not None else None
        if version is None:
            raise NotFound(f"no document with id {doc_id}")
        # The version the document's page and dossier show, so a correction names what they list.
        return self.archive.figures([version.id]).get(version.id, []) if version.id is not None else []


def _who_and_why(author: str, reason: str) -> tuple[str, str]:
    author, reason = " ".join(author.split()), " ".join(reason.split())
    if not author:
        raise UserError("say who makes the correction (--by NAME)")
    if not reason:
        raise UserError("say why (--why TEXT)")
    if len(author) > MAX_AUTHOR_CHARS or len(reason) > MAX_REASON_CHARS:
        raise UserError(f"name or reason too long (at most {MAX_AUTHOR_CHARS} and {MAX_REASON_CHARS} characters)")
    # NUL and the like: a PostgreSQL store cannot hold them (its text refuses NUL), nor any
    # store bytes that were not UTF-8 (lone surrogates from a command line).
    if any(unicodedata.category(char) in ("Cc", "Cs") for char in author + reason):
        raise UserError("name or reason may not hold control characters or bytes that are not UTF-8")
    return author, reason


def _check_kind(kind: str) -> None:
    if kind not in FIGURE_KINDS:
        raise UserError(f"bad figure kind {kind[:40]!r}: expected one of {', '.join(FIGURE_KINDS)}")


def _check_value(value: float) -> float:
    if not math.isfinite(value) or value < 0 or value > 1e15:
        raise UserError(f"bad figure value {value!r}: expected a number from 0 to 10^15")
    return float(value)


def _number(value: float) -> str:
    return str(int(value)) if value.is_integer() else str(value)


def _listing(figures: list[Figure]) -> str:
    if not figures:
        return "no figures"
    return "; ".join(f"{f.kind} {_number(f.value)}" for f in figures[:10])
