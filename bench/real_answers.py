"""How the checks treat real answers: re-asks the seeds' real translations and analyses would
trigger, and professional renderings of real abstract sentences (3D → 三维, 456 billion → 4560亿 …).

    PYTHONPATH=src:tests .venv/bin/python bench/real_answers.py [FIXTURES_DIR]

Prints, for each real answer, the problems the current checks find (each is one re-ask).
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from real_renderings import CASES  # noqa: E402
from recorded import load_fixture_day, seed_analyses, translated_day  # noqa: E402

from benchkit import FIXTURES, load  # noqa: E402
from hfdaily.enrich import analyze, translate  # noqa: E402
from hfdaily.models import Analysis, Paper, Translation  # noqa: E402


def main() -> None:
    given = [a for a in sys.argv[1:] if a != "--smoke"]  # --smoke: the same (it is small already)
    fixtures = Path(given[0]) if given else FIXTURES
    seeds = fixtures.parent / "seeds"
    rejected = 0
    print("== seed 000 translations (2026-01-20, English from the fixture)")
    for entry in translated_day(fixtures, seeds).papers:
        found = translate.problems(entry.paper, entry.translation)
        rejected += bool(found)
        print(f"{entry.paper.id}: {'OK' if not found else found}")
    print("== real abstract sentences, professional renderings")
    for paper_id, english, chinese in CASES:
        paper = Paper(id=paper_id, title="T", summary=english, authors=[], published_at=dt.datetime(2026, 1, 1))
        found = translate.problems(paper, Translation(title_zh="标题", summary_zh=chinese))
        found = [p for p in found if "过短" not in p]  # single sentences, not whole abstracts
        rejected += bool(found)
        print(f"{paper_id}: {'OK' if not found else found}")
    total_t = 4 + len(CASES)
    print(f"translations re-asked: {rejected} of {total_t}")

    print("== seed 003 analyses, grounded against what the run reads offline (title + HF abstract)")
    english = {e.paper.id: e.paper for e in load_fixture_day(fixtures, "2026-01-20").papers}
    flagged = 0
    for paper_id, data in seed_analyses(seeds).items():
        paper = english[paper_id]
        try:
            analysis = Analysis.model_validate(data)
        except ValueError:  # the analysis shape before 使用指南 had 输出 and steps of its own
            guide = dict(data["guide"], process="；".join(data["guide"]["process"]) or "见报告")
            analysis = Analysis.model_validate(dict(data, guide=guide))
        source = analyze.grounding_source(paper, "")
        found = analyze.problems(analysis, source)
        flagged += bool(found)
        print(f"{paper_id} (read from {data['read_source']}): {'OK' if not found else found}")
    print(f"analyses re-asked: {flagged} of 4   [{load()}]")


if __name__ == "__main__":
    main()
