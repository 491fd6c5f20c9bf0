"""Which real answer shapes a build of hfdaily reads: seed 000's translations and seed 003's analyses
sent as servers without JSON mode send them (reasoning block, raw line break, unescaped quotes,
trailing comma, Chinese keys, wrapper, fence).

    PYTHONPATH=src .venv/bin/python bench/answer_shapes.py --dump shapes.json   # with this build
    PYTHONPATH=<other build>/src python bench/answer_shapes.py shapes.json       # read by any build

Prints, per shape, how many answers were read into a valid object (a lost one is a re-ask or a lost paper).
"""

from __future__ import annotations

import json
import sys
from collections import Counter

from benchkit import load


def dump(path: str) -> None:
    from hfdaily.testing.fake_llm import SHAPES, real_answers, shaped
    _, translations, analyses = real_answers()
    cases = []
    for shape in (None, *SHAPES):
        cases += [{"shape": shape or "plain", "kind": "translation", "content": shaped(dict(t), shape)}
                  for t in translations.values()]
        cases += [{"shape": shape or "plain", "kind": "analysis", "content": shaped(json.loads(json.dumps(a)), shape)}
                  for a in analyses.values()]
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(cases, handle, ensure_ascii=False)


def read(path: str) -> None:
    from hfdaily.models import Analysis, Translation
    try:
        from hfdaily.enrich import analyze, translate
        from hfdaily.enrich.llm import parse_answer
        aliases = {"translation": translate.ALIASES, "analysis": analyze.ALIASES}

        def parse(content, schema, kind):
            return parse_answer(content, schema, aliases[kind])
    except ImportError:  # builds before the tolerant parser
        from hfdaily.enrich.llm import extract_json

        def parse(content, schema, kind):
            value = extract_json(content)
            if kind == "analysis" and isinstance(value.get("guide", {}).get("process"), list):
                value["guide"]["process"] = "；".join(value["guide"]["process"])  # the old shape's one text
            return schema.model_validate(value)

    cases = json.load(open(path, encoding="utf-8"))
    read_ok, total = Counter(), Counter()
    for case in cases:
        schema = Translation if case["kind"] == "translation" else Analysis
        total[case["shape"]] += 1
        try:
            parse(case["content"], schema, case["kind"])
            read_ok[case["shape"]] += 1
        except Exception:  # noqa: BLE001 — any failure is a lost answer here
            pass
    for shape in total:
        print(f"{shape:15s} {read_ok[shape]}/{total[shape]} read")
    print(f"{'all':15s} {sum(read_ok.values())}/{sum(total.values())} read   [{load()}]")


if __name__ == "__main__":
    if sys.argv[1] == "--smoke":  # dump with this build, read it back: checks the bench works (CI)
        import tempfile

        with tempfile.TemporaryDirectory() as tmp:
            dump(f"{tmp}/shapes.json")
            read(f"{tmp}/shapes.json")
    elif sys.argv[1] == "--dump":
        dump(sys.argv[2])
    else:
        read(sys.argv[1])
