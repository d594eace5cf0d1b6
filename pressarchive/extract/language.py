"""Language identification of extracted text.

py3langid is fast and good on paragraphs but guesses wildly on a headline or a caption, and
its full model includes close relatives (Galician, Occitan, Latin...) that steal Spanish,
Portuguese and Italian press releases. So the classifier is restricted to the languages an
archive of European and international police releases meets, and when the text is too short or
the classifier unsure the caller's hint (``<html lang>``, the source's default) wins.
"""

from __future__ import annotations

from functools import lru_cache

import pycountry
from py3langid.langid import MODEL_FILE, LanguageIdentifier

# EU official languages, their neighbours and the large world languages; all ISO 639-1.
LANGUAGES: tuple[str, ...] = (
    "bg", "cs", "da", "de", "el", "en", "es", "et", "fi", "fr", "ga", "hr", "hu", "it", "lt",
    "lv", "mt", "nl", "pl", "pt", "ro", "sk", "sl", "sv",
    "bs", "ca", "eu", "is", "mk", "no", "sq", "sr", "tr", "uk", "ru", "be",
    "ar", "fa", "he", "hi", "ja", "ko", "zh",
)  # fmt: skip
MIN_CHARS = 40  # below this a character n-gram model is a coin toss
MIN_CONFIDENCE = 0.70
_SAMPLE_CHARS = 5000  # the opening paragraphs decide; more only costs time


@lru_cache(maxsize=1)
def _identifier() -> LanguageIdentifier:
    # A private instance: py3langid.set_languages would change the process-wide model.
    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(list(LANGUAGES))
    return identifier


def normalise_language_tag(tag: str | None) -> str:
    """``es-ES``, ``pt_BR``, ``ITA`` -> ISO 639-1 (``es``, ``pt``, ``it``); '' if unknown."""
    primary = (tag or "").strip().replace("_", "-").split("-")[0].lower()
    if len(primary) == 2 and primary.isalpha():
        return primary
    if len(primary) == 3 and primary.isalpha():
        found = pycountry.languages.get(alpha_3=primary) or _bibliographic(primary)
        return getattr(found, "alpha_2", "") if found else ""
    return ""


def _bibliographic(code: str) -> object | None:
    """ISO 639-2/B codes (``ger``, ``fre``) that pycountry keys separately."""
    try:
        return pycountry.languages.get(bibliographic=code)
    except (KeyError, LookupError):
        return None


def detect_language(text: str, default: str = "") -> str:
    """ISO 639-1 code of ``text``.

    Too short a text gives ``default`` (normalised, possibly ''); an unsure guess gives
    ``default`` too, or the guess itself when there is no default to prefer.
    """
    sample = " ".join(text.split())[:_SAMPLE_CHARS]
    if len(sample) < MIN_CHARS:
        return normalise_language_tag(default)
    language, confidence = _identifier().classify(sample)
    if confidence < MIN_CONFIDENCE:
        return normalise_language_tag(default) or language
    return language
