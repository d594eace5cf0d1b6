"""Countries and agencies a release mentions: names, demonyms, abbreviations, guards, the data file,
and the labelled documents' precision and recall (so a regression in any language fails here)."""

from __future__ import annotations

import importlib.util
import json
import re
import sys
import tomllib
from importlib.resources import files
from pathlib import Path
from types import ModuleType

import pycountry
import pytest

from pressarchive.extract.agencies import agencies, agency_country, find_agencies
from pressarchive.extract.countries import find_countries
from pressarchive.extract.operations import find_operations
from pressarchive.extract.wordmatch import variants

REPO = Path(__file__).resolve().parents[1]
LANGUAGES = ("en", "es", "it", "pt", "fr", "de")


# --- countries -------------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["Spagna", "España", "Espagne", "Spanien", "Spain", "Spanish", "Spanje"])
def test_the_issue_examples_all_give_spain(text: str) -> None:
    assert find_countries(text) == ("ES",)
    assert find_countries(f"Arrests: {text}, officers said") == ("ES",)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("the Spanish police", "ES"), ("los agentes españoles", "ES"), ("la policía española", "ES"),
        ("il giudice spagnolo", "ES"), ("le autorità spagnole", "ES"), ("os polícias espanhóis", "ES"),
        ("la police espagnole", "ES"), ("les enquêteurs espagnols", "ES"), ("spanische Behörden", "ES"),
        ("den spanischen Ermittlern", "ES"), ("zwei Spanier", "ES"),
        ("Portuguese police", "PT"), ("la police portugaise", "PT"), ("la polizia portoghese", "PT"),
        ("a polícia portuguesa", "PT"), ("las autoridades portuguesas", "PT"), ("portugiesische Polizei", "PT"),
        ("les autorités belges", "BE"), ("zwei Rumänen", "RO"), ("cittadini albanesi", "AL"),
        ("ciudadanos colombianos", "CO"), ("German investigators", "DE"), ("i colleghi tedeschi", "DE"),
        ("a Dutchman", "NL"), ("de nacionalidad marroquí", "MA"), ("um cidadão brasileiro", "BR"),
    ],
)
def test_demonyms_in_six_languages(text: str, code: str) -> None:
    assert find_countries(text) == (code,)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("servers in the US were", "US"), ("the U.S. authorities", "US"), ("USA", "US"),
        ("servidores de EE.UU. y", "US"), ("en EE. UU. se", "US"), ("nos EUA", "US"),
        ("aux États-Unis", "US"), ("negli Stati Uniti", "US"), ("in den Vereinigten Staaten", "US"),
        ("the UK and", "GB"), ("the U.K. police", "GB"), ("from Holland", "NL"),
        ("in Großbritannien", "GB"), ("in den Niederlanden", "NL"), ("la Côte d’Ivoire", "CI"),
        ("Guinea-Bissau", "GW"), ("Papua New Guinea", "PG"),
    ],
)
def test_abbreviations_and_other_names(text: str, code: str) -> None:
    assert find_countries(text) == (code,)


@pytest.mark.parametrize(
    "text",
    [
        "let us know", "JOIN US FOR THE OPEN DAY", "Us and them",  # "us" is a pronoun
        "a guinea pig", "turkey and stuffing", "the chad of a punched card",
        "Chad Wilson, the liaison officer", "as Michael Jordan said",
        "i mali della rete", "una cerveza de malta", "la cuba de vino",
        "la Polizia di Stato", "lo Stato", "la Policía Nacional y la Guardia Civil",
        "Das Land Niedersachsen", "la nación", "the nation",
        "a man from Atlanta, Georgia", "New Mexico", "Latin American countries", "South American drug routes",
        "available in Spanish and English.", "en español", "em português", "auf Deutsch",
        "Réunion de prévention", "Reunión de trabajo", "la riunione", "Island hopping",
        "Giuseppe Russo", "Germán López",
    ],
)
def test_words_that_are_not_countries(text: str) -> None:
    assert find_countries(text) == ()


def test_a_blocker_in_the_body_rules_out_the_same_name_in_the_title() -> None:
    assert find_countries("Georgia man sentenced", "A man from Atlanta, Georgia was sentenced.") == ()
    assert find_countries("Georgia and Armenia sign a police agreement") == ("GE", "AM")


def test_names_that_are_also_first_names_count_in_a_sentence() -> None:
    assert find_countries("Troops in Chad and Jordan") == ("TD", "JO")
    assert find_countries("Police. Jordan said on Monday") == ("JO",)
    assert find_countries("en España, Colombia, Chile y Argentina") == ("ES", "CO", "CL", "AR")


def test_a_us_state_in_the_document_makes_georgia_the_state() -> None:
    assert find_countries("The Georgia native had offers from Florida State") == ()
    assert find_countries("Police in Georgia and Armenia") == ("GE", "AM")


def test_a_persons_full_name_rules_the_same_name_out_elsewhere() -> None:
    assert find_countries("Jordan Peele's next film", "Jordan grew up playing games") == ()


@pytest.mark.parametrize(
    "text",
    ["the University of British Columbia", "New England", "African Americans voted", "Poles Top 5",
     "Slow Cooker Beef Chili", "Inner Mongolia", "Hang Seng Index (HSI)"],
)
def test_phrases_found_on_real_pages_that_name_no_country(text: str) -> None:
    assert find_countries(text) == ()


def test_order_of_first_mention_across_title_and_text() -> None:
    assert find_countries("Arrests in Italy", "Police in France, Italy and Germany") == ("IT", "FR", "DE")


# --- agencies --------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Europol's European Cybercrime Centre (EC3)", ("europol", "europol-ec3")),
        ("the J-CAT hosted at Europol", ("j-cat", "europol")),
        ("la Policía Nacional y la Guardia Civil", ("policia-nacional", "guardia-civil")),
        ("la Unidad Central de Ciberdelincuencia", ("ucc-policia-nacional",)),
        ("els Mossos d’Esquadra i l'Ertzaintza", ("mossos", "ertzaintza")),
        ("la Polizia Postale e delle Comunicazioni e il CNCPO", ("polizia-postale", "cncpo")),
        ("la Polizia di Stato, i Carabinieri e la Guardia di Finanza",
         ("polizia-di-stato", "carabinieri", "guardia-di-finanza")),
        ("la GdF", ("guardia-di-finanza",)), ("GDF Suez", ()),
        ("a PSP e a Polícia Judiciária", ("psp", "policia-judiciaria")),
        ("a Guarda Nacional Republicana", ("gnr",)),
        ("BKA und LKA", ("bka", "lka")), ("die Bundespolizei", ("bundespolizei",)),
        ("des österreichischen Bundeskriminalamts", ("bk-at",)),
        ("la Gendarmerie nationale et la Police nationale", ("gendarmerie", "police-nationale")),
        ("l'OFMIN", ("ofmin",)), ("le parquet de Lyon", ("parquet-fr",)), ("un parquet en chêne", ()),
        ("the RCMP and the FBI", ("rcmp", "fbi")), ("Homeland Security Investigations (HSI)", ("hsi",)),
        ("Hong Kong's Hang Seng Index (HSI)", ()), ("HSI agents in the United States", ("hsi",)),
        ("during a shootout with Haitian national police", ()),
        ("the NCA and CEOP", ("nca", "ceop")), ("NCMEC", ("ncmec",)),
        ("Queensland Police Taskforce Argos", ("queensland-police",)),
        ("the Procura della Repubblica di Milano", ("procura-it",)),
        ("Interpol, Eurojust and Frontex", ("interpol", "eurojust", "frontex")),
    ],
)
def test_agency_aliases(text: str, expected: tuple[str, ...]) -> None:
    assert find_agencies(text) == expected


def test_afp_is_the_australian_police_only_in_an_australian_context() -> None:
    assert find_agencies("The AFP arrested a man in Sydney, Australia.") == ("afp",)
    assert find_agencies("The AFP arrested a man.") == ()  # no country: no guess
    assert find_agencies("PARIS (AFP) - Police in Australia said, Agence France-Presse reports.") == ()
    assert find_agencies("selon l'AFP, la police fédérale australienne a arrêté un homme en Australie") == ("afp",)


def test_a_shared_name_goes_to_the_body_of_the_country_named_with_it() -> None:
    assert find_agencies("the Colombian National Police") == ("policia-co",)
    assert find_agencies("the National Police of Ukraine") == ("police-ua",)
    assert find_agencies("Colombia's National Police") == ("policia-co",)
    assert find_agencies("The National Police said.") == ()
    assert find_agencies("The National Police in Spain said.") == ("policia-nacional",)
    assert find_agencies("la Policía Nacional del Paraguay") == ()
    assert find_agencies("la Policía Nacional detuvo en Colombia a un hombre") == ("policia-nacional",)
    assert find_agencies("ICE-Verkehr zwischen Hamburg und Berlin") == ()
    assert find_agencies("ICE agents in the United States") == ("ice",)


def test_the_source_country_decides_a_shared_name_with_nothing_attached() -> None:
    assert find_agencies("The National Police detain 12 people", home="ES") == ("policia-nacional",)
    assert find_agencies("la Policía Nacional detuvo a dos hombres", home="CO") == ("policia-co",)
    assert find_agencies("la Policía Federal detuvo a dos hombres", home="AR") == ("pfa",)
    assert find_agencies("the Colombian National Police", home="ES") == ("policia-co",)
    assert find_agencies("The AFP said.", home="FR") == ()


def test_extraction_passes_the_source_country() -> None:
    """The crawl and reprocess give extract_document the source's country (the document's own
    ``country`` is set only later, by the crawler)."""
    from pressarchive.extract import extract_document

    body = (b"<html><body><article><h1>Arrests</h1><p>The National Police arrested two men"
            b" after a long investigation into the sale of stolen goods.</p></article></body></html>")
    spanish = extract_document(body, "https://example.org/1", "text/html", country="ES")
    unknown = extract_document(body, "https://example.org/1", "text/html")
    assert spanish is not None and spanish.agencies == ("policia-nacional",)
    assert unknown is not None and unknown.agencies == ()


def test_data_file_has_sixty_bodies_with_valid_countries() -> None:
    bodies = agencies()
    assert len(bodies) >= 60
    for agency in bodies.values():
        assert re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", agency.id), agency.id
        assert agency.country == "INT" or pycountry.countries.get(alpha_2=agency.country), agency
        assert agency.aliases, agency.id
        assert agency_country(agency.id) == agency.country
    assert agency_country("no-such-body") is None


def test_plain_aliases_are_unique_across_bodies() -> None:
    """A name that always means one body cannot also always mean another (shared names go in `context`)."""
    data = tomllib.loads(files("pressarchive.extract").joinpath("data/agencies.toml").read_text("utf-8"))
    owner: dict[str, str] = {}
    for agency_id, entry in data.items():
        for alias in entry["aliases"] + entry.get("capitalised", []):
            for form in variants(alias):
                assert owner.setdefault(form, agency_id) == agency_id, (alias, owner[form], agency_id)


def test_country_data_uses_known_codes() -> None:
    data = tomllib.loads(files("pressarchive.extract").joinpath("data/countries.toml").read_text("utf-8"))
    codes = [*data["names"], *data["abbreviations"], *data["demonyms"]]
    assert all(pycountry.countries.get(alpha_2=code) for code in codes)
    assert len(data["demonyms"]) >= 60
    for code, by_language in data["demonyms"].items():
        assert set(LANGUAGES) <= set(by_language), code


# --- the labelled documents ------------------------------------------------------------------

def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_entities", REPO / "bench" / "entities.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up while being defined
    spec.loader.exec_module(module)
    return module


def test_labelled_documents_are_sixty_or_more_across_six_languages() -> None:
    lines = (REPO / "bench" / "labels" / "documents.jsonl").read_text("utf-8").splitlines()
    docs = [json.loads(line) for line in lines]
    assert len(docs) >= 60
    assert len({doc["id"] for doc in docs}) == len(docs)
    for lang in LANGUAGES:
        assert sum(doc["lang"] == lang for doc in docs) >= 10, lang
    for doc in docs:
        assert 60 <= len(doc["text"].split()) <= 250, doc["id"]


def test_labelled_documents_meet_the_precision_and_recall_targets() -> None:
    bench = _bench()
    scores = bench.score_documents(bench.read_jsonl(REPO / "bench" / "labels" / "documents.jsonl"))
    for kind in ("countries", "agencies", "operations"):
        for lang in LANGUAGES:
            counts = scores[kind][lang]
            assert counts.precision >= 0.9, (kind, lang, counts)
            assert counts.recall >= 0.8, (kind, lang, counts)


def test_bench_says_when_a_figure_set_is_missing(tmp_path: Path) -> None:
    bench = _bench()
    bench.LABELS = tmp_path
    bench.REPO = tmp_path
    scores, notes = bench.figure_scores()
    assert scores == {}
    assert [note.split(":")[0] for note in notes] == ["figures", "seed_figures"]
    assert all("not found" in note for note in notes)


# --- courts, regional forces and units (issue 10, second round) ------------------------------

@pytest.mark.parametrize(
    ("text", "code"),
    [("na Roménia e na Polónia", "RO"), ("en Rumania", "RO"), ("le autorità elvetiche", "CH"),
     ("i magistrati elvetici", "CH"), ("les autorités helvétiques", "CH"), ("die eidgenössischen Behörden", "CH")],
)
def test_regional_spellings_and_swiss_adjectives(text: str, code: str) -> None:
    assert find_countries(text)[0] == code


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("He was sentenced at Bristol Crown Court.", ("court-gb",)),
        ("He appeared before Westminster Magistrates’ Court.", ("court-gb",)),
        ("He faced the Local Court in Sydney, Australia.", ("court-au",)),
        ("He appeared at a local court on Monday.", ()),
        ("el Juzgado de Instrucción número 2 de Málaga", ("court-es",)),
        ("el acusado fue juzgado en 2019", ()),
        ("cabe recurso ante el Tribunal Supremo", ("tribunal-supremo-es",)),
        ("el Juzgado Central de Instrucción número 4", ("audiencia-nacional",)),
        ("il gip del Tribunale di Napoli", ("court-it",)),
        ("la Corte d'Appello di Milano", ("court-it",)),
        ("un ricorso in Cassazione", ("corte-cassazione-it",)),
        ("le tribunal correctionnel de Lille", ("court-fr",)),
        ("la cour d'appel de Rennes", ("court-fr",)),
        ("la Cour de cassation", ("cour-cassation-fr",)),
        ("o Tribunal Judicial da Comarca de Braga", ("court-pt",)),
        ("o Tribunal da Relação do Porto", ("court-pt",)),
        ("a Justiça Federal em Porto Alegre e o TRF-4", ("court-br",)),
        ("o Supremo Tribunal Federal", ("stf-br",)),
        ("O Tribunal de Justiça da União Europeia", ("cjeu",)),
        ("das Amtsgericht Hamburg", ("court-de",)),
        ("vor dem Oberlandesgericht München", ("court-de",)),
        ("Revision beim Bundesgerichtshof (BGH)", ("bundesgerichtshof",)),
        ("das Landesgericht für Strafsachen Wien", ("court-at",)),
        ("das Bezirksgericht Winterthur", ()),  # Austria's or Switzerland's: no country, no guess
    ],
)
def test_courts_are_one_body_per_country(text: str, expected: tuple[str, ...]) -> None:
    assert find_agencies(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("die Kantonspolizei Zürich und die Kantonspolizeien Bern und Luzern", ("kantonspolizei-ch",)),
        ("la Polizia cantonale ticinese", ("kantonspolizei-ch",)),
        ("die Staatsanwaltschaft des Kantons Aargau", ("staatsanwaltschaft-ch",)),
        ("il Ministero pubblico del Cantone Ticino", ("staatsanwaltschaft-ch",)),
        ("die Bundesanwaltschaft in Bern", ("mpc-ch",)),
        ("die Polizeidirektion Hannover und das Polizeipräsidium Köln", ("landespolizei-de",)),
        ("Die Kriminalpolizei Würzburg ermittelt.", ("landespolizei-de",)),
        ("die Landespolizeidirektion Steiermark", ("landespolizei-at",)),
        ("Ermittler der ZAC NRW", ("zac-nrw",)),
        ("la Squadra Mobile della Questura di Bari", ("questura-it",)),
        ("la Unidad Central Operativa (UCO) de la Guardia Civil", ("uco-guardia-civil", "guardia-civil")),
        ("los agentes del EMUME de Huelva", ("emume",)),
        ("l'OCRVP et le C3N", ("ocrvp", "c3n")),
        ("la Direction nationale de la police judiciaire (DNPJ)", ("police-judiciaire-fr",)),
        ("la brigade des mineurs de Paris", ("brigade-mineurs-fr",)),
        ("Le parquet fédéral a ouvert une enquête avec la France.", ("parquet-federal-be",)),
        ("le parquet de Charleroi", ("parquet-be",)),
        ("la police judiciaire fédérale de Liège", ("police-federale-be",)),
        ("l'association Child Focus", ("child-focus",)),
        ("la police judiciaire marocaine", ("dgsn-ma",)),
        ("En Algérie, la DGSN a annoncé l'arrestation", ("dgsn-dz",)), ("la DGSN a annoncé", ()),
        ("the CCPA privacy rules", ()),
        ("la Garde nationale tunisienne", ("garde-nationale-tn",)),
        ("la Sûreté du Québec et le DPCP", ("surete-du-quebec", "dpcp")),
        ("the Florida Department of Law Enforcement (FDLE)", ("fdle",)),
        ("Ireland's Director of Public Prosecutions", ("dpp-ie",)),
        ("The Director of Public Prosecutions will decide.", ()),
        ("the Police Service of Northern Ireland", ("police-force-gb",)),
        ("a Polícia Civil de São Paulo", ("policia-civil-br",)),
        ("o Centro de Cooperação Policial e Aduaneira de Vilar Formoso", ("ccpd",)),
    ],
)
def test_regional_forces_units_and_prosecutors(text: str, expected: tuple[str, ...]) -> None:
    assert find_agencies(text) == expected


def test_a_country_named_just_before_a_shared_name_decides_it() -> None:
    assert find_agencies("In Österreich hat die Staatsanwaltschaft Anklage erhoben.") == ("staatsanwaltschaft-at",)
    assert find_agencies("En Belgique, le parquet a ouvert une enquête. La France aussi.") == ("parquet-be",)
    assert find_agencies("En Belgique, le tribunal correctionnel de Mons a jugé.") == ("court-be",)
    assert find_agencies("le tribunal correctionnel de Mons", home="BE") == ("court-be",)
    assert find_agencies("le tribunal correctionnel de Mons") == ("court-fr",)
    # a sentence end, or another body's name, between the country and the name: the default body
    in_austria = "Die Täter kamen aus Österreich. Die Staatsanwaltschaft ermittelt."
    assert find_agencies(in_austria) == ("staatsanwaltschaft-de",)
    two_names = "la Policía Nacional con la Policía Nacional de Colombia"
    assert find_agencies(two_names) == ("policia-nacional", "policia-co")


# --- operation names: connectors -------------------------------------------------------------

@pytest.mark.parametrize(
    "text",
    [
        "L'operazione è stata chiamata 'Falco'.",
        "un'operazione congiunta denominata «Falco», coordinata da Europol",
        "A operação, batizada de 'Falco', decorreu em três distritos.",
        "A ação, batizada de 'Falco', envolveu seis países.",
        "Baptisée « Falco », l'opération a duré deux ans.",
        "Die Aktion mit dem Namen „Falco“ lief seit Januar.",
        "La operación fue bautizada como 'Falco'.",
    ],
)
def test_operation_connectors(text: str) -> None:
    assert find_operations(text) == ("Falco",)


@pytest.mark.parametrize(
    "text",
    [
        "la acción, llamada 'la mejor' por los vecinos",
        "L'operazione è stata chiamata a rispondere in tribunale.",
        "Elle a été baptisée « Marie », a dit l'enquêteur.",
        "The operation was called off after two days.",
        "Il a dit d'une voix « Falco », l'homme est parti.",
    ],
)
def test_operation_connectors_without_a_name(text: str) -> None:
    assert find_operations(text) == ()
