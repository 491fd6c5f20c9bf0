"""The day as one stream: speech begins while the LLM is still answering; a re-run with nothing
new stops after fetching (nothing rewritten, nothing heavy imported); any change makes the day again."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from hfdaily.make import tts
from hfdaily.make.day import DaySpeech

REPO = Path(__file__).resolve().parents[1]
DAY = "2026-01-20"
HEAVY = ("matplotlib", "jieba", "edge_tts", "lameenc", "hfdaily.make.charts", "hfdaily.make.tts",
         "hfdaily.enrich.translate", "hfdaily.publish.build")


def hfdaily(env: dict, out: Path, *args: str) -> subprocess.CompletedProcess:
    """``hfdaily run`` in its own process (what a scheduler runs), with Python's import log on."""
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "hfdaily", "run", "--date", DAY, "--out", str(out),
                           "-q", "--no-notify", *args], env=os.environ | env | {"PYTHONPATH": str(REPO / "src")},
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    return done


def imported(done: subprocess.CompletedProcess) -> set[str]:
    return {line.rsplit("|", 1)[1].strip() for line in done.stderr.splitlines() if line.startswith("import time:")}


def snapshot(out: Path) -> dict[str, int]:
    return {p.relative_to(out).as_posix(): p.stat().st_mtime_ns for p in out.rglob("*")
            if p.is_file() and not p.name.startswith(("hfdaily.db", ".hfdaily.lock"))}  # the lock names its holder


def test_papers_are_spoken_while_others_are_still_being_asked(servers, tmp_path, monkeypatch):
    hf, llm, env = servers
    events: list[tuple[str, str]] = []
    real_speak, real_paper = tts.Segments.speak, DaySpeech.paper

    def speak(self, paragraph):
        events.append(("speak", paragraph))
        return real_speak(self, paragraph)

    def paper(self, record, entry):
        if entry.translation is not None and entry.analysis is not None:  # the scheduler hands it on
            events.append(("answered", entry.paper.id))
        return real_paper(self, record, entry)

    monkeypatch.setattr(tts.Segments, "speak", speak)
    monkeypatch.setattr(DaySpeech, "paper", paper)
    from test_pipeline import run

    result = run(env | {"HFDAILY_LLM_CONCURRENCY": "1"}, tmp_path / "out", "--date", DAY, "--no-pictures",
                 "--no-notify")
    assert result.exit_code == 0, result.output
    kinds = [kind for kind, _ in events]
    answered = [i for i, kind in enumerate(kinds) if kind == "answered"]
    spoken = [i for i, (kind, text) in enumerate(events) if kind == "speak" and text.startswith("第")]
    assert len(answered) == 4 and spoken
    # The first paper's paragraph was handed to the speech engine before the last paper was answered.
    assert spoken[0] < answered[-1]
    assert events[0][0] == "speak" and "欢迎收听" in events[0][1]  # the greeting starts at once
    mp3 = tmp_path / "out" / "audio" / f"{DAY}.mp3"
    vtt = (tmp_path / "out" / "audio" / f"{DAY}.vtt").read_text(encoding="utf-8")
    assert mp3.stat().st_size > 10_000 and vtt.count("-->") >= 6 and "第四篇" in vtt


def test_a_rerun_with_nothing_new_stops_after_fetching(servers, tmp_path):
    hf, llm, env = servers
    out = tmp_path / "out"
    env = env | {"HFDAILY_SITE_URL": "https://example.org/hfdaily/"}
    first = hfdaily(env, out)
    assert "4 papers (4 new)" in first.stdout and (out / "stats" / f"{DAY}.made.json").exists()
    before, asked = snapshot(out), llm.requests
    again = hfdaily(env, out)
    assert "4 papers (0 new)" in again.stdout and llm.requests == asked
    assert snapshot(out) == before  # nothing rewritten: not a page, not a picture, not the site
    assert not imported(again) & set(HEAVY), imported(again) & set(HEAVY)

    (out / "images" / f"{DAY}_poster.png").unlink()  # an output deleted by hand is made again
    hfdaily(env, out)
    assert (out / "images" / f"{DAY}_poster.png").exists()

    changed = hfdaily(env | {"HFDAILY_GITHUB_URL": "https://github.com/someone/papers"}, out)  # settings changed
    assert "someone/papers" in (out / "newsletters" / f"{DAY}.html").read_text(encoding="utf-8")
    assert {"jieba", "hfdaily.publish.build"} <= imported(changed)  # the day was made and published again
