"""The number module over every recorded abstract: no crash, how long it takes, what it finds.

    PYTHONPATH=src:tests .venv/bin/python bench/number_checks.py [FIXTURES_DIR]

Prints the abstracts read, claims and names found, seconds, and how many abstracts the fake
LLM's translations of them would be re-asked for (it keeps every number as written: expect 0).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from benchkit import FIXTURES, load  # noqa: E402
from recorded import fixture_dates, load_fixture_day  # noqa: E402

from hfdaily.enrich import numbers, translate  # noqa: E402
from hfdaily.models import Translation  # noqa: E402
from hfdaily.testing.fake_llm import fake_translation  # noqa: E402


def main() -> None:
    smoke = "--smoke" in sys.argv  # the first 5 recorded days: checks the bench works (CI)
    given = [a for a in sys.argv[1:] if a != "--smoke"]
    fixtures = Path(given[0]) if given else FIXTURES
    papers = []
    for day in fixture_dates(fixtures)[: 5 if smoke else None]:
        try:
            papers += [e.paper for e in load_fixture_day(fixtures, day).papers]
        except Exception:  # noqa: BLE001 — the damaged recorded days are skipped here
            continue
    started = time.perf_counter()
    found = [numbers.claims(p.title + "\n" + p.summary) for p in papers]
    seconds = time.perf_counter() - started
    claims = sum(len(f) for f in found)
    names = sum(c.name is not None for f in found for c in f)
    reasked = sum(bool(translate.problems(p, Translation(**fake_translation(translate.messages(p)[1]["content"]))))
                  for p in papers)
    print(f"{len(papers)} abstracts, {claims} numbers ({names} in names), {seconds:.2f} s "
          f"({seconds / len(papers) * 1000:.2f} ms each); fake translations re-asked: {reasked}   [{load()}]")


if __name__ == "__main__":
    main()
