"""Bundle the demo's real sample day into the package (run once, from the checkout, with ../shared).

    PYTHONPATH=src:tests .venv/bin/python scripts/bundle_sample.py

Writes ``src/hfdaily/testing/sample/``: HF's list for 2026-01-20 as recorded (4 papers) and the real
Chinese written for them — the translations of seed 000 and the analyses of seed 003 — which the fake
LLM answers with when it recognises one of these papers.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from recorded import seed_analyses, seed_day_zh  # noqa: E402

DAY = "2026-01-20"


def main() -> None:
    fixtures = REPO.parent / "shared" / "fixtures"
    seeds = fixtures.parent / "seeds"
    target = REPO / "src" / "hfdaily" / "testing" / "sample"
    target.mkdir(exist_ok=True)
    shutil.copyfile(fixtures / "hf_daily_papers" / f"{DAY}.json", target / f"{DAY}.json")
    listed = {e["paper"]["id"] for e in json.loads((target / f"{DAY}.json").read_text(encoding="utf-8"))}
    translations = {e.paper.id: e.translation.model_dump(include={"title_zh", "summary_zh"})
                    for e in seed_day_zh(fixtures, seeds).papers if e.paper.id in listed}
    analyses = {pid: {k: v for k, v in a.items() if k != "read_source"}
                for pid, a in seed_analyses(seeds).items() if pid in listed}
    answers = {"source": "seed 000 (translations) and seed 003 (analyses), 2026-01-20",
               "translations": translations, "analyses": analyses}
    (target / "answers.json").write_text(json.dumps(answers, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{len(translations)} translations, {len(analyses)} analyses → {target}")


if __name__ == "__main__":
    main()
