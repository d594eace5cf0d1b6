"""The contract's standard corpus: seven press releases about four operations in six languages.

Shared by the contract suite and by the Whoosh-only tests, so both speak of the same
documents: two Spanish releases on one day (ties), one undated German release (sorted last),
mentioned countries and agencies differing from the publishing source's, and a script tag in a
body (snippets are plain text).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

from pressarchive.index import SearchEngine, SearchRequest
from pressarchive.record import Document

DOCS = [
    Document(
        id=1,
        url="https://guardiacivil.example/tantalio",
        title="Operación Tantalio: golpe al blanqueo de capitales",
        text=(
            "La Guardia Civil, con el apoyo de Europol, ha arrestado a 12 personas en la "
            "Operación Tantalio. Los detenidos blanqueaban dinero del narcotráfico. "
            "<script>alert('x')</script>"
        ),
        language="es",
        published=date(2017, 3, 15),
        operations=("Tantalio",),
        source="guardiacivil",
        agency="Guardia Civil",
        country="ES",
        countries=("ES",),  # mentioned in the text
        agencies=("guardia-civil", "europol"),
    ),
    Document(
        id=2,
        url="https://europol.example/tantalio",
        title="Europol supports Operation Tantalio",
        text="Spanish authorities arrested 12 suspects in Operation Tantalio, with Europol.",
        language="en",
        published=date(2017, 3, 16),
        operations=("Tantalio",),
        source="europol",
        agency="Europol",
        country="NL",
        countries=("ES",),  # mentioned in the text
        agencies=("europol",),
    ),
    Document(
        id=3,
        url="https://gdf.example/tantalio",
        title="Operazione Tantalio: cinque arresti",
        text="La Guardia di Finanza ha arrestato cinque persone nell'operazione Tantalio.",
        language="it",
        published=date(2018, 1, 10),
        operations=("Tantalio",),
        source="gdf",
        country="IT",
        countries=("IT",),  # mentioned in the text
        agencies=("guardia-di-finanza",),
    ),
    Document(
        id=4,
        url="https://pj.example/icaro",
        title="Operação Ícaro: PJ deteve oito suspeitos",
        text="A Polícia Judiciária deteve oito suspeitos de tráfico na Operação Ícaro.",
        language="pt",
        published=date(2019, 6, 1),
        operations=("Ícaro",),
        source="pj",
        country="PT",
        countries=("PT",),  # mentioned in the text
        agencies=("policia-judiciaria",),
    ),
    Document(
        id=5,
        url="https://police.example/hydre",
        title="Opération Hydre : vingt interpellations",
        text="La police nationale a interpellé vingt personnes lors de l'opération Hydre.",
        language="fr",
        published=date(2017, 11, 20),
        operations=("Hydre",),
        source="police-nationale",
        country="FR",
        countries=("FR",),  # mentioned in the text
        agencies=("police-nationale",),
    ),
    Document(
        id=6,
        url="https://polizei.example/hydra",
        title="Operation Hydra: Festnahmen in Berlin",
        text="Die Polizei hat bei der Operation Hydra 15 Verdächtige festgenommen.",
        language="de",
        published=None,
        operations=("Hydra",),
        source="polizei-berlin",
        country="DE",
        countries=("DE",),  # mentioned in the text
        agencies=(),
    ),
    Document(
        id=7,
        url="https://policia.example/black-wolf",
        title="Operación Black Wolf: detenidos por tráfico de cocaína",
        text="La Policía Nacional ha desarticulado una red que introducía cocaína en Europa.",
        language="es",
        published=date(2017, 3, 15),
        operations=("Black Wolf",),
        source="policia",
        country="ES",
        countries=("ES",),  # mentioned in the text
        agencies=("policia-nacional",),
    ),
]


def texts_of(docs: list[Document]) -> Callable[[Sequence[int]], dict[int, str]]:
    """A text source like the store's: the body text of the given ids."""
    by_id = {doc.id: doc.text for doc in docs}
    return lambda ids: {i: by_id[i] for i in ids if i in by_id}


def ids(engine: SearchEngine, query: str = "", **options: object) -> set[int]:
    """The ids of every match (up to 100) of ``query`` with ``options``."""
    result = engine.search(SearchRequest(query=query, limit=100, **options))  # type: ignore[arg-type]
    return {hit.id for hit in result.hits}


def ranked(engine: SearchEngine, query: str = "", **options: object) -> list[int]:
    """The ids of the first 100 matches in the result's order."""
    result = engine.search(SearchRequest(query=query, limit=100, **options))  # type: ignore[arg-type]
    return [hit.id for hit in result.hits]
