"""Reported figures: numbers in six languages, what they count, how they are qualified, and the labelled sets."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from pressarchive.extract.figures import find_figures
from pressarchive.extract.numbers import find_numbers
from pressarchive.extract.wordtrie import trie_pattern
from pressarchive.record import FIGURE_KINDS, QUALIFIERS

LABELS = Path(__file__).resolve().parents[1] / "bench" / "labels"
SEEDS = Path(__file__).parents[1].parent / "shared" / "seeds"
LANGUAGES = ("en", "es", "it", "pt", "fr", "de")


def triples(text: str, language: str) -> list[tuple[str, float, str]]:
    return [(f.kind, f.value, f.qualifier) for f in find_figures(text, language)]


# --- numbers ----------------------------------------------------------------------------------

@pytest.mark.parametrize("language, text, value", [
    ("en", "1,200", 1200), ("es", "1.200", 1200), ("it", "1.200", 1200), ("pt", "1.200", 1200),
    ("de", "1.200", 1200), ("fr", "1 200", 1200), ("fr", "1\u202f200", 1200), ("de", "1\u2009200", 1200),
    ("en", "1.5 million", 1_500_000), ("es", "1,5 millones", 1_500_000), ("de", "3 Mio.", 3_000_000),
    ("pt", "250 mil", 250_000), ("it", "50 mila", 50_000), ("en", "2,300,000", 2_300_000),
])
def test_digits_follow_each_languages_separators(language: str, text: str, value: float) -> None:
    numbers = find_numbers(text, language)
    assert [(n.value, text[n.start:n.end]) for n in numbers] == [(value, text)]


def test_a_point_is_a_decimal_mark_in_english_and_a_comma_elsewhere() -> None:
    assert [n.value for n in find_numbers("1.5", "en")] == [1.5]
    assert [n.value for n in find_numbers("1,5", "es")] == [1.5]
    assert find_numbers("1.200.000", "en") == []  # not a well-formed English number: nothing, not 1.2


@pytest.mark.parametrize("language, text, value", [
    ("en", "twenty-five", 25), ("en", "two hundred and five", 205), ("en", "three thousand", 3000),
    ("es", "doce", 12), ("es", "treinta y dos", 32), ("es", "veintitrés", 23), ("es", "doscientos mil", 200_000),
    ("it", "trenta", 30), ("it", "trentatré", 33), ("it", "ventuno", 21), ("it", "duecentotrentatré", 233),
    ("it", "tremila", 3000), ("pt", "vinte e cinco", 25), ("pt", "dezassete", 17), ("pt", "dezessete", 17),
    ("pt", "duzentos", 200), ("fr", "soixante-dix-sept", 77), ("fr", "quatre-vingt-onze", 91),
    ("fr", "vingt et un", 21), ("fr", "quatre-vingts", 80), ("fr", "deux cents", 200), ("de", "vier", 4),
    ("de", "dreiundzwanzig", 23), ("de", "zweihundertdreiundzwanzig", 223), ("de", "Zwölf", 12),
])
def test_number_words(language: str, text: str, value: int) -> None:
    numbers = find_numbers(text, language)
    assert [(n.value, n.start, n.end) for n in numbers] == [(value, 0, len(text))]


@pytest.mark.parametrize("language, text, value", [
    ("en", "a dozen", 12), ("es", "una docena", 12), ("it", "una dozzina", 12), ("fr", "une vingtaine", 20),
    ("fr", "une centaine", 100), ("de", "ein Dutzend", 12), ("pt", "uma dúzia", 12),
])
def test_round_numbers_are_approximate(language: str, text: str, value: int) -> None:
    [number] = find_numbers(text, language)
    assert (number.value, number.approximate) == (value, True)


def test_words_that_cannot_continue_a_number_start_a_new_one() -> None:
    assert [n.value for n in find_numbers("dos y tres", "es")] == [2, 3]
    assert [n.value for n in find_numbers("three two", "en")] == [3, 2]


def test_the_article_is_not_one_but_one_is() -> None:
    assert find_numbers("un hombre, une femme, ein Mann, um homem", "") == []
    assert [n.value for n in find_numbers("one man", "en")] == [1]


def test_plural_round_nouns_give_no_number() -> None:
    assert find_figures("Dozens of people were arrested; decenas de detenidos; centinaia di arresti.", "") == ()


def test_a_trie_pattern_matches_every_entry_and_prefers_the_longest() -> None:
    words = ["two", "twelve", "twenty", "ten", "tens", "three"]
    pattern = re.compile(trie_pattern(list(w) for w in words))
    assert all(pattern.fullmatch(w) for w in words)
    assert pattern.match("twentyfold").group() == "twenty" and pattern.match("tensor").group() == "tens"
    assert not pattern.fullmatch("tw") and re.fullmatch(trie_pattern([]), "") is None


# --- what a number counts, per language -------------------------------------------------------

@pytest.mark.parametrize("language, text, expected", [
    ("en", "Police arrested 38 people in 11 countries.", [("arrested", 38, "exact"), ("countries", 11, "exact")]),
    ("en", "12 arrests were made and 300 devices were seized.", [("arrested", 12, "exact"), ("devices", 300, "exact")]),
    ("en", "Officers identified 20 victims and safeguarded 7 children.",
     [("victims_identified", 20, "exact"), ("victims_safeguarded", 7, "exact")]),
    ("en", "Three men were charged and two were convicted.", [("charged", 3, "exact"), ("convicted", 2, "exact")]),
    ("en", "Nearly 4,000 images and 250 videos were seized.", [("files", 4000, "about"), ("files", 250, "exact")]),
    ("es", "39 detenidos y más de 20 registros.", [("arrested", 39, "exact"), ("searches", 20, "at_least")]),
    ("es", "La detención de 12 personas en 5 países.", [("arrested", 12, "exact"), ("countries", 5, "exact")]),
    ("es", "Los agentes procedieron a detener a cinco individuos.", [("arrested", 5, "exact")]),
    ("es", "Se han intervenido unos 1.200 archivos.", [("files", 1200, "about")]),
    ("it", "Sequestrati circa 3 milioni di file.", [("files", 3_000_000, "about")]),
    ("fr", "Saisie de 2 millions de fichiers.", [("files", 2_000_000, "exact")]),
    ("it", "Arrestati 39 sospettati in oltre una dozzina di paesi.",
     [("arrested", 39, "exact"), ("countries", 12, "at_least")]),
    ("it", "Eseguite trenta perquisizioni, sequestrati 200 dispositivi.",
     [("searches", 30, "exact"), ("devices", 200, "exact")]),
    ("it", "Sono state fermate venti persone.", [("detained", 20, "exact")]),
    ("pt", "Foram detidas 12 pessoas e cumpridos 20 mandados de busca.",
     [("arrested", 12, "exact"), ("searches", 20, "exact")]),
    ("pt", "Foram resgatadas 4 crianças.", [("victims_safeguarded", 4, "exact")]),
    ("fr", "Une vingtaine de personnes ont été interpellées et 1 200 fichiers saisis.",
     [("arrested", 20, "about"), ("files", 1200, "exact")]),
    ("fr", "Sept suspects ont été mis en examen.", [("charged", 7, "exact")]),
    ("fr", "Plus de 50 perquisitions ont été menées.", [("searches", 50, "at_least")]),
    ("de", "Vier Personen wurden festgenommen.", [("arrested", 4, "exact")]),
    ("de", "12 Festnahmen in 5 Ländern.", [("arrested", 12, "exact"), ("countries", 5, "exact")]),
    ("de", "Die Polizei durchsuchte 35 Wohnungen.", [("searches", 35, "exact")]),
    ("de", "Mindestens 20 Tatverdächtige wurden ermittelt.", [("identified", 20, "at_least")]),
])
def test_kinds(language: str, text: str, expected: list[tuple[str, int, str]]) -> None:
    assert triples(text, language) == expected


@pytest.mark.parametrize("language, text, qualifier", [
    ("en", "More than 100 people were arrested.", "at_least"), ("en", "Over 100 people were arrested.", "at_least"),
    ("en", "At least 100 people were arrested.", "at_least"), ("en", "About 100 people were arrested.", "about"),
    ("en", "Around 100 people were arrested.", "about"), ("en", "Some 100 people were arrested.", "about"),
    ("en", "Approximately 100 people were arrested.", "about"), ("en", "Up to 100 people were arrested.", "at_most"),
    ("en", "100 or more people were arrested.", "at_least"),
    ("es", "Más de 100 personas detenidas.", "at_least"), ("es", "Al menos 100 personas detenidas.", "at_least"),
    ("es", "Unos 100 detenidos.", "about"), ("es", "Alrededor de 100 detenidos.", "about"),
    ("es", "Hasta 100 detenidos.", "at_most"),
    ("it", "Oltre 100 persone arrestate.", "at_least"), ("it", "Almeno 100 arresti.", "at_least"),
    ("it", "Circa 100 arresti.", "about"), ("it", "Fino a 100 arresti.", "at_most"),
    ("pt", "Mais de 100 detidos.", "at_least"), ("pt", "Pelo menos 100 detidos.", "at_least"),
    ("pt", "Cerca de 100 detidos.", "about"),
    ("fr", "Plus de 100 personnes interpellées.", "at_least"), ("fr", "Au moins 100 interpellations.", "at_least"),
    ("fr", "Environ 100 interpellations.", "about"), ("fr", "Une centaine d'interpellations.", "about"),
    ("de", "Mehr als 100 Festnahmen.", "at_least"), ("de", "Mindestens 100 Festnahmen.", "at_least"),
    ("de", "Rund 100 Festnahmen.", "about"), ("de", "Etwa 100 Festnahmen.", "about"),
    ("de", "Ca. 100 Festnahmen.", "about"), ("de", "Bis zu 100 Festnahmen.", "at_most"),
])
def test_qualifiers(language: str, text: str, qualifier: str) -> None:
    [figure] = find_figures(text, language)
    assert (figure.kind, figure.value, figure.qualifier) == ("arrested", 100, qualifier)


@pytest.mark.parametrize("language, text, value, unit", [
    ("en", "Police seized €1.2 million in cash.", 1_200_000, "EUR"),
    ("en", "Agents froze $50,000 held in wallets.", 50_000, "USD"),
    ("en", "Officers seized £250,000 and two cars.", 250_000, "GBP"),
    ("en", "They confiscated 3,000 dollars.", 3000, "USD"),
    ("es", "Se han incautado 45.000 euros en efectivo.", 45_000, "EUR"),
    ("es", "Se han bloqueado 1,2 millones de euros.", 1_200_000, "EUR"),
    ("it", "Sequestrati beni per 2 milioni di euro.", 2_000_000, "EUR"),
    ("it", "Sono stati sequestrati 200.000 euro.", 200_000, "EUR"),
    ("pt", "Foram apreendidos 12.500 euros.", 12_500, "EUR"),
    ("fr", "Les policiers ont saisi 35 000 euros.", 35_000, "EUR"),
    ("de", "Es wurden 80.000 Euro sichergestellt.", 80_000, "EUR"),
    ("de", "Beschlagnahmt wurden 2.000 GBP.", 2000, "GBP"),
])
def test_money_carries_its_currency(language: str, text: str, value: float, unit: str) -> None:
    [figure] = find_figures(text, language)
    assert (figure.kind, figure.value, figure.unit) == ("money", value, unit)


def test_money_not_seized_is_not_a_figure() -> None:
    assert find_figures("Pay 1,000 euros or your video goes to all your contacts.", "en") == ()


@pytest.mark.parametrize("language, text", [
    ("en", "A 45-year-old man was arrested on 12 March 2020 under Article 12."),
    ("en", "He faces up to 20 years in prison; call 0800 555 111."),
    ("en", "Operation 2020 ran from 3 to 17 March; 90% of the images were new."),
    ("en", "The 38-year-old was convicted at 10:30 on 4 May 2021."),
    ("en", "Nine more people are being interrogated."),
    ("en", "The detainees, all of them young and four of them minors, shared the material."),
    ("es", "El detenido, de 45 años, fue arrestado el 3 de marzo de 2022, según el artículo 189."),
    ("it", "L'uomo, di 52 anni, è stato arrestato il 12 ottobre 2020."),
    ("pt", "O suspeito, de 34 anos, foi detido a 15 de março de 2023."),
    ("fr", "L'homme, âgé de 41 ans, a été arrêté le 14 février 2022."),
    ("de", "Der 47-jährige Mann wurde am 3. März 2021 festgenommen."),
    ("de", "Nach § 184b StGB drohen bis zu 10 Jahre Freiheitsstrafe."),
])
def test_dates_ages_years_articles_and_terms_are_not_figures(language: str, text: str) -> None:
    assert find_figures(text, language) == ()


@pytest.mark.parametrize("text, expected", [
    ("Die Polizei nahm 13 Verdächtige fest und durchsuchte 20 Wohnungen.",
     [("arrested", 13, "exact"), ("searches", 20, "exact")]),
    ("Die Beamten stellten 80.000 Euro sicher.", [("money", 80_000, "exact")]),
    ("Die Staatsanwaltschaft klagte 9 Beschuldigte an.", [("charged", 9, "exact")]),
    ("An der Aktion nahmen 12 Personen teil und stellten fest, dass alles ruhig war.", []),
])
def test_german_split_verbs(text: str, expected: list[tuple[str, int, str]]) -> None:
    assert triples(text, "de") == expected


def test_a_part_of_a_count_is_not_a_figure() -> None:
    text = "Police arrested 39 people, of whom 17 in Spain, including four minors."
    assert triples(text, "en") == [("arrested", 39, "exact")]
    assert triples("Detenidas 39 personas, de ellas 17 en España.", "es") == [("arrested", 39, "exact")]


def test_a_stated_total_is_reported_and_its_parts_are_not() -> None:
    assert triples("Police arrested 26 people, 17 in Spain and 9 in other countries.", "en") == [
        ("arrested", 26, "exact")]
    # No total stated: the count with its own noun is reported, the elliptical "9" is not.
    assert triples("Police arrested 17 people in Spain and 9 in other countries.", "en") == [
        ("arrested", 17, "exact")]


def test_two_sources_in_one_sentence_give_two_figures_only_when_both_have_a_noun() -> None:
    text = "Europol said 38 suspects had been arrested; the Spanish police spoke of 39 detainees."
    assert triples(text, "en") == [("arrested", 38, "exact"), ("detained", 39, "exact")]


@pytest.mark.parametrize("language, text", [
    ("it", "Arrestate 7 persone e denunciate altre 15."), ("es", "Detenidas 7 personas e investigadas otras quince."),
    ("pt", "Detidas 7 pessoas e constituídas arguidas outras 15."),
])
def test_other_people_with_the_noun_left_out(language: str, text: str) -> None:
    assert triples(text, language) == [("arrested", 7, "exact"), ("charged", 15, "exact")]


@pytest.mark.parametrize("language, text", [
    ("it", "Sono 39 le persone arrestate finora."), ("es", "Son 39 los detenidos en esta fase."),
    ("pt", "São 39 os detidos nesta fase."),
])
def test_an_article_may_stand_between_the_number_and_its_noun(language: str, text: str) -> None:
    assert triples(text, language) == [("arrested", 39, "exact")]


# --- classes fixed after the first held-out set (sentences written for these tests) ------------

@pytest.mark.parametrize("language, text, value", [
    ("en", "Analysts went through roughly 3.4 million photos found on the seized drives.", 3_400_000),
    ("es", "En los discos intervenidos se hallaron unos 2,7 millones de vídeos.", 2_700_000),
    ("it", "Sui supporti sequestrati sono stati trovati circa 4,1 milioni di fotogrammi.", 4_100_000),
    ("pt", "Nos discos apreendidos foram encontrados cerca de 1,8 milhões de imagens.", 1_800_000),
    ("fr", "Environ 2,6 millions de photos ont été retrouvées sur les ordinateurs saisis.", 2_600_000),
    ("de", "Auf den Festplatten entdeckten die Beamten etwa 45.000 Fotos und Clips.", 45_000),
])
def test_file_counts_with_scale_words_and_found_on_devices(language: str, text: str, value: int) -> None:
    assert ("files", value, "about") in triples(text, language)


@pytest.mark.parametrize("language, text, value", [
    ("de", "Gepfändet und beschlagnahmt wurden 3,4 Mio. Euro Bargeld.", 3_400_000),
    ("de", "Die Behörden haben 1,1 Mrd. Euro eingezogen.", 1_100_000_000),
    ("fr", "Les enquêteurs ont saisi 4,5 millions d'euros en cryptomonnaies.", 4_500_000),
    ("it", "Sono stati sequestrati beni per 2 miliardi di euro.", 2_000_000_000),
    ("en", "Officers seized €2.5m in cryptocurrency.", 2_500_000),
])
def test_scaled_money_keeps_its_sentence_and_currency(language: str, text: str, value: int) -> None:
    assert [(f.kind, f.value, f.unit) for f in find_figures(text, language)] == [("money", value, "EUR")]


@pytest.mark.parametrize("language, text, kind, value", [
    ("pt", "A procuradora acusou 9 homens de abuso sexual.", "charged", 9),
    ("pt", "O coletivo de juízes condenou 5 arguidos a penas de prisão.", "convicted", 5),
    ("es", "La Audiencia condenó a 6 acusados por distribución de pornografía infantil.", "convicted", 6),
    ("es", "El fiscal acusa a 11 personas de pertenencia a la red.", "charged", 11),
    ("it", "Il giudice ha condannato 4 imputati.", "convicted", 4),
    ("fr", "La cour a condamné trois prévenus à de la prison ferme.", "convicted", 3),
    ("fr", "Le juge a inculpé 8 personnes.", "charged", 8),
    ("de", "Das Amtsgericht verurteilte 2 Männer.", "convicted", 2),
    ("en", "A grand jury indicted 13 men last week.", "charged", 13),
])
def test_charge_and_convict_verbs_in_every_inflection(language: str, text: str, kind: str, value: int) -> None:
    assert triples(text, language) == [(kind, value, "exact")]


@pytest.mark.parametrize("language, text, kind, value", [
    ("de", "Die Polizisten verhafteten 8 Männer.", "arrested", 8),
    ("de", "Elf Verdächtige kamen in U-Haft.", "detained", 11),
    ("fr", "Neuf femmes ont été écrouées.", "detained", 9),
    ("fr", "Les policiers ont arrêté 3 hommes.", "arrested", 3),
    ("es", "Cuatro personas fueron enviadas a prisión.", "detained", 4),
    ("en", "Seven men were remanded.", "detained", 7),
])
def test_arrest_and_custody_verbs_in_every_inflection(language: str, text: str, kind: str, value: int) -> None:
    assert triples(text, language) == [(kind, value, "exact")]


def test_a_court_ruling_is_not_an_arrest() -> None:
    assert triples("L'arrêt de la cour d'appel concerne 5 personnes.", "fr") == []


@pytest.mark.parametrize("language, text, kind, value", [
    ("pt", "O tribunal condenou 7 dos 10 arguidos.", "convicted", 7),
    ("en", "The jury convicted 2 of the 3 defendants.", "convicted", 2),
    ("fr", "Le tribunal a condamné 5 des 8 prévenus.", "convicted", 5),
    ("de", "Das Gericht verurteilte 4 der 6 Angeklagten.", "convicted", 4),
])
def test_a_count_taken_from_a_total_is_the_figure(language: str, text: str, kind: str, value: int) -> None:
    assert triples(text, language) == [(kind, value, "exact")]


def test_a_part_of_a_total_that_names_its_kind_leaves_the_total() -> None:
    assert triples("Tres de los 15 detenidos son menores.", "es") == [("arrested", 15, "exact")]


@pytest.mark.parametrize("language, text, value", [
    ("es", "Entre las 31 personas detenidas figuran seis menores.", 31),
    ("en", "Among the 16 people arrested are three teachers.", 16),
    ("it", "Tra i 27 arrestati ci sono due minorenni.", 27),
    ("de", "Unter den 8 Festgenommenen sind drei Jugendliche.", 8),
])
def test_counts_after_among_the_total_are_its_parts(language: str, text: str, value: int) -> None:
    assert triples(text, language) == [("arrested", value, "exact")]


@pytest.mark.parametrize("language, text, second", [
    ("fr", "28 personnes ont été interpellées et 19 placés en garde à vue.", ("detained", 19, "exact")),
    ("fr", "Six femmes ont été interpellées et 4 écrouées.", ("detained", 4, "exact")),
    ("en", "Fifteen people were arrested and 6 charged.", ("charged", 6, "exact")),
    ("es", "Fueron detenidas 13 personas y 5 quedaron en prisión provisional.", ("detained", 5, "exact")),
])
def test_a_count_after_and_with_its_own_verb_counts_the_same_people(
        language: str, text: str, second: tuple[str, int, str]) -> None:
    assert triples(text, language)[1:] == [second]


def test_among_a_total_that_counts_no_people_leaves_later_counts_alone() -> None:
    assert triples("Among the 9 countries taking part, officers arrested 41 people.", "en") == [
        ("countries", 9, "exact"), ("arrested", 41, "exact")]


def test_a_count_after_and_without_a_verb_is_still_not_read() -> None:
    assert triples("Police arrested 21 people in Italy and 4 in Malta.", "en") == [("arrested", 21, "exact")]


def test_of_them_takes_its_own_verb_not_the_totals() -> None:
    assert triples("The chat had 900 members; at least 12 of them were arrested.", "en") == [
        ("arrested", 12, "at_least")]
    assert triples("Officers arrested 14 people, 6 of them in Leeds.", "en") == [("arrested", 14, "exact")]
    assert triples("The suspects, three of them minors, were questioned.", "en") == []
    assert triples("A polícia deteve 10 pessoas e acusou 3 delas.", "pt") == [
        ("arrested", 10, "exact"), ("charged", 3, "exact")]


@pytest.mark.parametrize("language, text", [
    ("en", "The platform had up to 2,000 users, and police arrested its owner."),
    ("en", "With around 70 moderators, the site was shut down and the founder was arrested."),
    ("es", "La web tenía 5.000 usuarios y la policía detuvo a su creador."),
    ("de", "Das Forum hatte 300 Mitglieder, der Betreiber wurde festgenommen."),
    ("fr", "Le site comptait 800 membres et son administrateur a été interpellé."),
])
def test_members_of_a_platform_are_not_arrests_of_another_clause(language: str, text: str) -> None:
    assert triples(text, language) == []


@pytest.mark.parametrize("language, text, value", [
    ("en", "Police arrested 9 members of the network.", 9),
    ("en", "Twenty users were arrested in the operation.", 20),
    ("es", "Han sido detenidos 12 integrantes de la organización.", 12),
    ("it", "Sono stati arrestati 6 membri del gruppo.", 6),
])
def test_members_arrested_in_their_own_clause_are_arrests(language: str, text: str, value: int) -> None:
    assert triples(text, language) == [("arrested", value, "exact")]


def test_a_point_after_a_scale_abbreviation_does_not_end_the_sentence() -> None:
    figure, = find_figures("Insgesamt 2,5 Mio. Euro wurden sichergestellt.", "de")
    assert figure.sentence == "Insgesamt 2,5 Mio. Euro wurden sichergestellt."


def test_each_figure_keeps_its_sentence_and_offsets() -> None:
    text = "The investigation began in 2019.\nOn Tuesday police arrested 14 people. Later 3 men were charged."
    figures = find_figures(text, "en")
    assert [(f.kind, f.value) for f in figures] == [("arrested", 14), ("charged", 3)]
    for figure in figures:
        assert text[figure.start:figure.end] == figure.sentence
    assert figures[0].sentence == "On Tuesday police arrested 14 people."


def test_unknown_language_reads_every_language() -> None:
    assert triples("vier Personen wurden festgenommen", "") == [("arrested", 4, "exact")]
    assert triples("doce detenidos", "xx") == [("arrested", 12, "exact")]


def test_empty_text() -> None:
    assert find_figures("", "en") == ()


# --- the labelled sets ------------------------------------------------------------------------

def _score(pairs: list[tuple[Counter, Counter]]) -> tuple[float, float]:
    tp = sum(sum((want & got).values()) for want, got in pairs)
    wanted = sum(sum(want.values()) for want, _ in pairs)
    found = sum(sum(got.values()) for _, got in pairs)
    return (tp / found if found else 1.0), (tp / wanted if wanted else 1.0)


def _labelled(figures: list[dict]) -> Counter:
    return Counter((f["kind"], float(f["value"]), f["qualifier"]) for f in figures)


def test_the_labelled_sentences_are_well_formed() -> None:
    rows = [json.loads(line) for line in (LABELS / "figures.jsonl").read_text("utf-8").splitlines()]
    assert len({row["id"] for row in rows}) == len(rows) >= 120
    assert all(sum(row["lang"] == lang for row in rows) >= 20 for lang in LANGUAGES)
    assert sum(not row["figures"] for row in rows) >= len(rows) / 4
    for row in rows:
        for figure in row["figures"]:
            assert figure["kind"] in FIGURE_KINDS and figure["qualifier"] in QUALIFIERS
            assert bool(figure["unit"]) == (figure["kind"] == "money")


@pytest.mark.parametrize("language", LANGUAGES)
def test_precision_and_recall_on_the_labelled_sentences(language: str) -> None:
    rows = [json.loads(line) for line in (LABELS / "figures.jsonl").read_text("utf-8").splitlines()]
    pairs = [(_labelled(row["figures"]), Counter(triples(row["text"], language)))
             for row in rows if row["lang"] == language]
    precision, recall = _score(pairs)
    assert precision >= 0.9, f"{language}: precision {precision:.2f}"
    assert recall >= 0.8, f"{language}: recall {recall:.2f}"


def test_precision_and_recall_on_the_seed_documents() -> None:
    if not SEEDS.is_dir():
        pytest.skip(f"no seed documents at {SEEDS}")
    rows = [json.loads(line) for line in (LABELS / "seed_figures.jsonl").read_text("utf-8").splitlines()]
    pairs = []
    for row in rows:
        path = SEEDS / row["seed"]
        if path.exists():  # a document counts each distinct figure once, however often it repeats it
            got = set(triples(path.read_text("utf-8"), row["lang"]))
            pairs.append((Counter(set(_labelled(row["figures"]))), Counter(got)))
    if not pairs:
        pytest.skip("none of the labelled seed documents is present")
    precision, recall = _score(pairs)
    assert precision >= 0.9 and recall >= 0.8, (precision, recall)
