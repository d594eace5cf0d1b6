"""Near-duplicate clustering: quality on written cases, and speed at 10,000 and 100,000 documents.

    python bench/similar.py                 # cases, then 10,000 and 100,000 documents
    python bench/similar.py --sizes 10000   # only 10,000

Texts are synthetic: words drawn from a generated vocabulary with Zipf frequencies, so any
number of distinct "stories" can be made without copying real releases. Cases (pairs that
should or should not be copies), each 200 times with fresh stories:

- ``boilerplate``: the same story on two sites, each with its own header and footer (copy);
- ``added``: the story with one paragraph added (copy);
- ``trimmed``: the first four of its five paragraphs (copy);
- ``translation``: the story with every word replaced by another language's word and a few
  swapped (not a copy: nothing is shared word for word);
- ``footer``: two different releases of one agency ending in the same standard paragraph,
  here as long as a third of each release (not a copy);
- ``unrelated``: two different stories (not a copy).

For each threshold and number of permutations it prints precision and recall of "copy"
(pairs above the threshold). Then the speed of ``update_similarity`` over an archive of N
short documents (120-200 words, a tenth of them copies of another with their own boilerplate,
30% from a news source, published over 300 days): the full clustering and lineage, and the
cost per document of an incremental update adding 50.

Lineage: 300 releases of 4-10 paragraphs, each with a news article 0-3 days later made of
0-4 of its paragraphs (shuffled) and 0-4 of the article's own: how many articles are linked to
their release, by the true share of reused words, how many links are wrong, and the error of
the measured share.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pressarchive.record import Document  # noqa: E402
from pressarchive.similar import lineage_for_documents, minhash, update_similarity  # noqa: E402
from pressarchive.store import Archive, Capture  # noqa: E402
from pressarchive.store import schema  # noqa: E402

VOCABULARY = 20_000
THRESHOLDS = (0.3, 0.4, 0.5, 0.6, 0.7)
PERMUTATIONS = (64, 128)
ROUNDS = 200
#: Share of the speed benchmark's documents from a news source (lineage looks at those).
NEWS_SHARE = 0.3


class Words:
    """A generated vocabulary with Zipf-like frequencies (and a parallel "other language")."""

    def __init__(self, rng: random.Random) -> None:
        syllables = [a + b for a in "bcdfghklmnprstvz" for b in "aeiou"]
        self.words = list(dict.fromkeys(
            "".join(rng.choice(syllables) for _ in range(rng.randint(1, 4))) for _ in range(VOCABULARY * 2)
        ))[:VOCABULARY]
        self.translated = {word: word[::-1] + "x" for word in self.words}
        weights = 1 / np.arange(1, len(self.words) + 1)
        self.cumulative = np.cumsum(weights / weights.sum())
        self.rng = rng

    def paragraph(self, count: int) -> str:
        picks = np.searchsorted(self.cumulative, [self.rng.random() for _ in range(count)])
        return " ".join(self.words[min(i, len(self.words) - 1)] for i in picks) + "."

    def story(self, paragraphs: int = 5, size: int = 30) -> list[str]:
        return [self.paragraph(size) for _ in range(paragraphs)]

    def translate(self, text: str) -> str:
        out = [self.translated.get(word.rstrip("."), word) for word in text.split()]
        for i in range(0, len(out) - 1, 7):  # some word order changes
            out[i], out[i + 1] = out[i + 1], out[i]
        return " ".join(out)


def cases(words: Words) -> dict[str, tuple[bool, str, str]]:
    story = words.story()
    other = words.story()
    footer = words.paragraph(50)
    site = [words.paragraph(15) for _ in range(4)]
    full = "\n".join(story)
    return {
        "boilerplate": (True, "\n".join([site[0], full, site[1]]), "\n".join([site[2], full, site[3]])),
        "added": (True, full, "\n".join([full, words.paragraph(30)])),
        "trimmed": (True, full, "\n".join(story[:4])),
        "translation": (False, full, words.translate(full)),
        "footer": (False, "\n".join([*story[:3], footer]), "\n".join([*other[:3], footer])),
        "unrelated": (False, full, "\n".join(other)),
    }


def estimate(first: str, second: str, perms: int) -> float:
    permutations = minhash.permutations(perms)
    first_values, second_values = (minhash.minimums(minhash.shingle_hashes(minhash.words(text)), permutations)
                                   for text in (first, second))
    return minhash.jaccard(first_values, second_values)


def quality(rng: random.Random) -> dict[str, dict[str, float]]:
    words = Words(rng)
    scores: dict[int, dict[str, list[float]]] = {perms: {} for perms in PERMUTATIONS}
    truth: dict[str, bool] = {}
    for _ in range(ROUNDS):
        for name, (copy, first, second) in cases(words).items():
            truth[name] = copy
            for perms in PERMUTATIONS:
                scores[perms].setdefault(name, []).append(estimate(first, second, perms))
    print(f"estimated Jaccard per case ({ROUNDS} pairs each): min / median / max")
    for name in truth:
        row = "  ".join(
            f"{perms} perms: {min(s):.2f} / {np.median(s):.2f} / {max(s):.2f}"
            for perms in PERMUTATIONS for s in [scores[perms][name]]
        )
        print(f"  {name:12} {'copy' if truth[name] else 'not  '}  {row}")
    table = {}
    print("threshold  perms  precision  recall")
    for perms in PERMUTATIONS:
        for threshold in THRESHOLDS:
            tp = sum(sum(v >= threshold for v in scores[perms][n]) for n in truth if truth[n])
            fp = sum(sum(v >= threshold for v in scores[perms][n]) for n in truth if not truth[n])
            positives = sum(len(scores[perms][n]) for n in truth if truth[n])
            precision, recall = (tp / (tp + fp) if tp + fp else 1.0), tp / positives
            table[f"{perms}@{threshold}"] = {"precision": round(precision, 4), "recall": round(recall, 4)}
            print(f"  {threshold:.1f}      {perms:4}   {precision:.4f}     {recall:.4f}")
    return table


def fill(archive: Archive, words: Words, count: int, start: int, rng: random.Random) -> None:
    """``count`` short documents straight into the tables (a crawl's rows, without its cost)."""
    when = datetime(2024, 1, 1)
    texts: list[str] = []
    for _ in range(count):
        if texts and rng.random() < 0.1:  # a copy of an earlier one, with its own boilerplate
            texts.append("\n".join([words.paragraph(10), rng.choice(texts), words.paragraph(10)]))
        else:
            texts.append("\n".join(words.story(rng.randint(4, 6), 30)))
    with archive.engine.begin() as conn:
        sources = ["bench-news" if rng.random() < NEWS_SHARE else "bench" for _ in texts]
        conn.execute(schema.captures.insert(), [
            {"id": start + n, "source": sources[n], "url": f"https://b.example/{start + n}", "status": 200,
             "content_type": "text/html", "length": 1, "captured_at": when, "payload_sha256": "0" * 64,
             "warc_file": "x", "warc_offset": 0} for n in range(count)])
        conn.execute(schema.documents.insert(), [
            {"id": start + n, "url": f"https://b.example/{start + n}", "source": sources[n], "first_captured": when,
             "last_captured": when} for n in range(count)])
        conn.execute(schema.versions.insert(), [
            {"id": start + n, "document_id": start + n, "number": 1, "capture_id": start + n, "captured_at": when,
             "text_sha256": "0" * 64, "title": "t", "text": text, "language": "en",
             "published": date(2024, 1, 1) + timedelta(days=n % 300), "operations": []}
            for n, text in enumerate(texts)])
        conn.execute(schema.documents.update().values(current_version=schema.documents.c.id)
                     .where(schema.documents.c.id >= start))


def speed(size: int, rng: random.Random) -> dict[str, float]:
    words = Words(rng)
    with tempfile.TemporaryDirectory() as folder:
        archive = Archive(f"sqlite:///{Path(folder) / 'a.sqlite'}")
        archive.upsert_source("bench", kind="press_room")
        archive.upsert_source("bench-news", kind="news")
        fill(archive, words, size, 1, rng)
        full = update_similarity(archive)
        with archive.engine.connect() as conn:
            clustered = conn.execute(sa.select(sa.func.count()).where(schema.documents.c.cluster_id.is_not(None)))
            in_clusters = int(clustered.scalar_one())
        fill(archive, words, 50, size + 1, rng)
        incremental = update_similarity(archive)
        archive.close()
        megabytes = (Path(folder) / "a.sqlite").stat().st_size / 1e6
    result = {
        "documents": size, "full_seconds": round(full.seconds, 2),
        "full_ms_per_doc": round(1000 * full.seconds / size, 3),
        "documents_in_clusters": in_clusters, "links": full.links,
        "incremental_50_seconds": round(incremental.seconds, 3),
        "incremental_ms_per_doc": round(1000 * incremental.seconds / 50, 2),
        "database_mb": round(megabytes, 1),
    }
    print(f"{size} documents: clustered in {full.seconds:.1f} s ({result['full_ms_per_doc']} ms each), "
          f"{in_clusters} in clusters, {full.links} article-release links; 50 more: {incremental.seconds:.3f} s "
          f"({result['incremental_ms_per_doc']} ms each); database {megabytes:.0f} MB")
    return result


def lineage(rng: random.Random, count: int = 300) -> dict[str, float]:
    """Releases of 4-10 paragraphs; for each, a news article of 0-4 of its paragraphs (shuffled)
    and 0-4 of its own, 0-3 days later. Recall by true share of reused words, precision, error."""
    words = Words(rng)
    truth: dict[int, tuple[int, float, int]] = {}  # article id -> (release id, share, lag days)
    with tempfile.TemporaryDirectory() as folder:
        archive = Archive(f"sqlite:///{Path(folder) / 'a.sqlite'}")
        archive.upsert_source("agency", kind="press_room")
        archive.upsert_source("outlet", kind="news")
        for n in range(count):
            story = words.story(rng.randint(4, 10), 30)
            reused = rng.sample(story, rng.randint(0, 4))
            own = [words.paragraph(30) for _ in range(rng.randint(0 if reused else 1, 4))]
            body = reused + own
            rng.shuffle(body)
            day, lag = date(2024, 1, 1) + timedelta(days=n), rng.randint(0, 3)
            release = _save(archive, "agency", n, "\n".join(story), day)
            article = _save(archive, "outlet", n, "\n".join(body), day + timedelta(days=lag))
            truth[article] = (release, len(reused) / len(body), lag)
        update_similarity(archive)
        found = lineage_for_documents(archive, truth)
        archive.close()
    bands = {"share 0.15-0.4": (0.15, 0.4), "share 0.4-0.8": (0.4, 0.8), "share 0.8-1": (0.8, 1.01)}
    result: dict[str, float] = {}
    errors, right, wrong = [], 0, 0
    for name, (low, high) in bands.items():
        wanted = [doc for doc, (_, share, _) in truth.items() if low <= share < high]
        hits = [doc for doc in wanted if any(link.release.id == truth[doc][0] for link in found[doc].retells)]
        result[f"recall {name}"] = round(len(hits) / len(wanted), 3) if wanted else 1.0
        print(f"  {name}: {len(hits)}/{len(wanted)} articles linked to their release")
    for doc, (release, share, lag) in truth.items():
        for link in found[doc].retells:
            if link.release.id == release:
                right += 1
                errors.append(abs(link.reused_share - share))
                assert link.lag_seconds == lag * 86400
            else:
                wrong += 1
    result["precision"] = round(right / (right + wrong), 4) if right + wrong else 1.0
    result["mean_share_error"] = round(float(np.mean(errors)), 4) if errors else 0.0
    print(f"  links: {right} right, {wrong} wrong (precision {result['precision']}); mean error of the "
          f"reused share {result['mean_share_error']}; every lag exact")
    return result


def _save(archive: Archive, source: str, n: int, text: str, published: date) -> int:
    url = f"https://{source}.example/{n}"
    when = datetime(published.year, published.month, published.day, 12)
    capture_id = archive.record_capture(Capture(source, url, 200, "text/html", len(text), when, "0" * 64, "x", 0))
    doc = Document(url=url, title=f"{source} {n}", text=text, language="en", published=published, source=source)
    return archive.save_document(doc, capture_id).document_id


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[10_000, 100_000])
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    figures: dict[str, object] = {"quality": quality(rng)}
    print("lineage: news articles retelling a release (300)")
    figures["lineage"] = lineage(rng)
    figures["speed"] = [speed(size, rng) for size in args.sizes]
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
