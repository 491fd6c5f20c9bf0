"""Full-text search for Chinese and English: FTS5 trigram (what the index uses) vs jieba-segmented words.

    python bench/fts.py [--days 580]

Builds the same search table both ways over the recorded days (English as HF lists it) plus the
seed day 2026-01-20 with its real Chinese titles, abstracts and analyses, and prints build time and
size; then asks every Chinese word jieba finds in the seed day's titles plus common research
phrases, and ten English words, and compares the answers with the papers that really contain
them: recall and precision. A third layout, "split", is what the index uses: English columns
with word tokens (unicode61), Chinese columns with trigrams.
"""

from __future__ import annotations

import argparse
import re
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

import jieba

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))
from benchkit import FIXTURES, load  # noqa: E402

from recorded import seed_day_zh

from hfdaily.testing.days import recorded_dates, recorded_day

PHRASES = ["多模态", "大语言模型", "强化学习", "视频生成", "智能体", "推理", "模型", "基准", "扩散模型",
           "图像分割", "医学", "机器人", "长上下文", "语音", "检索增强", "代码生成", "评测", "数据集"]


EN_QUERIES = ["RL", "3D", "AI", "agent", "diffusion", "LLM", "video generation", "reasoning", "benchmark", "robot"]


def rows(fixtures: Path, days: int) -> tuple[list[tuple[int, list[str]]], dict[int, str], dict[int, str]]:
    """(rowid, [title, title_zh, summary, summary_zh, contribution]); the real Chinese rows; English text.

    Only the seed day has real Chinese; for size and build time every other paper is given the
    Chinese of a seed paper in turn (quality is judged on the seed rows only)."""
    seed = seed_day_zh(fixtures, FIXTURES.parent / "seeds").papers
    zh_of = [[e.translation.title_zh, e.translation.summary_zh,
              f"{e.analysis.field} {e.analysis.contribution}" if e.analysis else ""] for e in seed]
    out, chinese, english = [], {}, {}
    rowid = 0
    for day in recorded_dates(fixtures)[-days:]:
        for e in recorded_day(fixtures, day).papers:
            rowid += 1
            zh = zh_of[rowid % len(zh_of)]
            out.append((rowid, [e.paper.title, zh[0], e.paper.summary, zh[1], zh[2]]))
            english[rowid] = e.paper.title + " " + e.paper.summary
    for e, zh in zip(seed, zh_of):
        rowid += 1
        out.append((rowid, [e.paper.title, zh[0], e.paper.summary, zh[1], zh[2]]))
        chinese[rowid] = "".join(zh)
    return out, chinese, english


def segment(text: str) -> str:
    return " ".join(w for w in jieba.cut_for_search(text) if w.strip()) if re.search(r"[\u4e00-\u9fff]", text) else text


EN, ZH = (0, 2), (1, 3, 4)


def build(path: Path, variant: str, data) -> float:
    db = sqlite3.connect(path)
    started = time.perf_counter()
    if variant == "split":  # English words (unicode61) + Chinese trigrams: what the index does
        db.execute("CREATE VIRTUAL TABLE en USING fts5(title, summary, tokenize='unicode61 remove_diacritics 2')")
        db.execute("CREATE VIRTUAL TABLE zh USING fts5(title_zh, summary_zh, contribution, tokenize='trigram')")
        with db:
            db.executemany("INSERT INTO en (rowid, title, summary) VALUES (?,?,?)",
                           [(rid, *(cols[i] for i in EN)) for rid, cols in data])
            db.executemany("INSERT INTO zh (rowid, title_zh, summary_zh, contribution) VALUES (?,?,?,?)",
                           [(rid, *(cols[i] for i in ZH)) for rid, cols in data])
    else:
        seg = variant == "jieba"
        tokenizer = "unicode61" if seg else "trigram"
        db.execute("CREATE VIRTUAL TABLE en USING fts5(title, title_zh, summary, summary_zh, contribution, "
                   f"tokenize='{tokenizer}')")
        with db:
            db.executemany("INSERT INTO en (rowid, title, title_zh, summary, summary_zh, contribution) "
                           "VALUES (?,?,?,?,?,?)",
                           [(rid, *([segment(c) for c in cols] if seg else cols)) for rid, cols in data])
    seconds = time.perf_counter() - started
    db.close()
    return seconds


def ask(path: Path, variant: str, query: str, chinese: bool) -> set[int]:
    db = sqlite3.connect(path)
    table = "zh" if variant == "split" and chinese else "en"
    if variant == "jieba" or (variant == "split" and not chinese):
        words = [w for w in jieba.cut(query) if w.strip()] if variant == "jieba" else query.split()
        match = " AND ".join(f'"{w}"' for w in words)
        found = {r[0] for r in db.execute(f"SELECT rowid FROM {table} WHERE {table} MATCH ?", (match,))}
    elif len(query) >= 3:
        found = {r[0] for r in db.execute(f"SELECT rowid FROM {table} WHERE {table} MATCH ?", (f'"{query}"',))}
    else:  # trigram cannot match fewer than three characters: LIKE over the same table
        columns = ("title_zh", "summary_zh", "contribution") if chinese else ("title", "summary")
        found = {r[0] for r in db.execute(
            f"SELECT rowid FROM {table} WHERE " + " OR ".join(f"{c} LIKE ?" for c in columns),
            (f"%{query}%",) * len(columns))}
    db.close()
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=580)
    parser.add_argument("--fixtures", type=Path, default=FIXTURES)
    parser.add_argument("--smoke", action="store_true", help="5 days: checks the bench works (CI)")
    args = parser.parse_args()
    if args.smoke:
        args.days = 5
    data, chinese, english = rows(args.fixtures, args.days)
    jieba.initialize()
    queries = sorted({w for rid in chinese for w in jieba.cut(chinese[rid][:60]) if len(w) >= 2
                      and re.fullmatch(r"[\u4e00-\u9fff]+", w)} | set(PHRASES))
    print(f"{len(data)} papers ({args.days} recorded days + the seed day); {len(queries)} Chinese queries "
          f"on the seed day's real Chinese; English truth = whole words, case-insensitive")
    with tempfile.TemporaryDirectory() as tmp:
        for variant in ("trigram", "jieba", "split"):
            path = Path(tmp) / f"{variant}.db"
            seconds = build(path, variant, data)
            hits = miss = extra = 0
            started = time.perf_counter()
            for q in queries:
                truth = {rid for rid, text in chinese.items() if q in text}
                got = ask(path, variant, q, True) & set(chinese)
                hits += len(truth & got)
                miss += len(truth - got)
                extra += len(got - truth)
            ask_ms = (time.perf_counter() - started) / len(queries) * 1000
            en_hits = en_extra = en_miss = 0
            started = time.perf_counter()
            for q in EN_QUERIES:
                pattern = re.compile(r"\b" + r"\s+".join(map(re.escape, q.split())) + r"\b", re.I)
                truth = {rid for rid, text in english.items() if pattern.search(text)}
                got = ask(path, variant, q, False) & set(english)
                en_hits += len(truth & got)
                en_miss += len(truth - got)
                en_extra += len(got - truth)
            en_ms = (time.perf_counter() - started) / len(EN_QUERIES) * 1000
            print(f"{variant:8s} build {seconds:5.2f} s, {path.stat().st_size / 1e6:6.1f} MB | "
                  f"Chinese: recall {hits / (hits + miss):.3f} ({miss} missed), precision "
                  f"{hits / max(1, hits + extra):.3f} ({extra} wrong), {ask_ms:.1f} ms/query | "
                  f"English: recall {en_hits / max(1, en_hits + en_miss):.3f}, precision "
                  f"{en_hits / max(1, en_hits + en_extra):.3f} ({en_extra} wrong), {en_ms:.1f} ms/query   [{load()}]")


if __name__ == "__main__":
    main()
