"""A small archive about one operation in four languages and five sources, for the dossier tests.

Europol says 38 arrested, the Spanish police 39 (a disagreement to flag, with both quotes); a
news site copies Europol's release word for word (one near-duplicate cluster: counted once);
an Italian report says "at least 30" (compatible with both); a Portuguese one spells the name
"Tantalium" (for a hand merge). "Operation Safe" is a name that is also a common word: a
release that only says "safe" must not join its dossier.
"""

from __future__ import annotations

from datetime import date, datetime

from pressarchive.datadir import DataDir
from pressarchive.extract.operations import find_operations
from pressarchive.record import Document, Figure
from pressarchive.service import ArchiveService
from tests.archive_builder import Builder

HOSTILE = '=HYPERLINK("http://evil.example")<script>alert(1)</script>'
EUROPOL_QUOTE = "Europol: 38 people were arrested in Operation Tantalio across 15 countries."
WORD_SAFE_TEXT = "Parents can keep children safe online. Stay safe: the operation of the safe helpline is free."
# Long enough (25 words and more) for the near-duplicate step to compare it with its copy.
EUROPOL_BODY = (
    "\nSpain, Portugal and Brazil took part. Investigators followed the members of messaging groups"
    " that exchanged abuse material, traced their telephone numbers across borders and passed what they"
    " found to the police forces of each country through the agency."
)
POLICIA_QUOTE = "La Policía Nacional ha detenido a 39 personas en la operación Tantalio."


def _figure(kind: str, value: float, sentence: str, qualifier: str = "exact") -> Figure:
    return Figure(kind=kind, value=value, qualifier=qualifier, sentence=sentence, start=0, end=len(sentence))


def documents() -> dict[str, Document]:
    return {
        "europol": Document(
            url="https://europol.example.eu/news/tantalio", title="38 arrested in Operation Tantalio",
            text=EUROPOL_QUOTE + EUROPOL_BODY, language="en",
            published=date(2017, 4, 12), operations=("Tantalio",), source="europol",
            countries=("ES", "PT", "BR"), agencies=("europol",),
            figures=(_figure("arrested", 38, EUROPOL_QUOTE), _figure("countries", 15, EUROPOL_QUOTE)),
        ),
        "policia": Document(
            url="https://policia.example.es/prensa/tantalio", title="Operación TANTALIO",
            text=POLICIA_QUOTE + "\nCon la colaboración de Europol e Interpol.", language="es",
            published=date(2017, 4, 11), operations=("Tantalio",), source="policia",
            countries=("ES",), agencies=("europol", "interpol"),
            figures=(_figure("arrested", 39, POLICIA_QUOTE),),
        ),
        "copy": Document(
            url="https://wire.example.com/2017/tantalio", title="38 arrested in Operation Tantalio",
            text=EUROPOL_QUOTE + EUROPOL_BODY, language="en",
            published=date(2017, 4, 13), operations=("Tantalio",), source="wire",
            countries=("ES", "PT", "BR"), agencies=("europol",),
            figures=(_figure("arrested", 38, EUROPOL_QUOTE),),
        ),
        "italian": Document(
            url="https://polizia.example.it/news/tantalio", title=f"{HOSTILE} Operazione Tantalio",
            text=f"Almeno 30 arresti nell'operazione Tantalio. {HOSTILE}", language="it",
            published=date(2017, 5, 2), operations=("Tantalio",), source="polizia",
            countries=("IT",), figures=(_figure("arrested", 30, f"{HOSTILE} almeno 30 arresti.", "at_least"),),
        ),
        "portuguese": Document(
            url="https://pj.example.pt/noticias/tantalium", title="Operação Tantalium",
            text="A Polícia Judiciária deteve 4 pessoas na operação Tantalium.", language="pt",
            published=None, operations=("Tantalium",), source="pj", countries=("PT",),
            figures=(_figure("arrested", 4, "A Polícia Judiciária deteve 4 pessoas na operação Tantalium."),),
        ),
        "safe": Document(
            url="https://police.example.org/press/operation-safe", title="Operation Safe ends",
            text="Operation Safe led to 3 arrests.", language="en", published=date(2019, 1, 5),
            operations=find_operations("Operation Safe ends", "Operation Safe led to 3 arrests."),
            source="police-a",
            figures=(_figure("arrested", 3, "Operation Safe led to 3 arrests."),),
        ),
        # The extractor, not the test, decides that "safe" here names no operation.
        "word_safe": Document(
            url="https://police.example.org/press/keep-safe", title="Keep children safe online",
            text=WORD_SAFE_TEXT, language="en", published=date(2019, 2, 1), source="police-a",
            operations=find_operations("Keep children safe online", WORD_SAFE_TEXT),
        ),
    }


def build(root: DataDir) -> dict[str, int]:
    """The documents above saved through the store and indexed; their ids by name."""
    service = ArchiveService(root)
    try:
        builder = Builder(service)
        ids = {name: builder.add(doc) for name, doc in documents().items()}
        service.index_pending()  # clusters the copy with Europol's release first
    finally:
        service.close()
    return ids



def resave(service: ArchiveService, doc: Document, when: datetime) -> int:
    """A new version of ``doc`` (its text changed), as a recrawl or re-extraction would store."""
    return Builder(service).add(doc.replace(text=doc.text + "\nUpdated."), when=when)
