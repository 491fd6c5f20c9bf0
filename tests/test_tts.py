"""Speech synthesis: espeak-ng output checked as audio, edge-tts fallback, atomic writes."""

from __future__ import annotations

import datetime as dt
import io
import logging
import re
import shutil
from pathlib import Path

import aiohttp
import pytest
from mutagen.mp3 import MP3
from recorded import load_fixture_day, translated_day

from hfdaily.make import tts
from hfdaily.make.broadcast import build_script
from hfdaily.make.tts import (
    Cue,
    TTSError,
    TTSUnavailableError,
    chunk_text,
    synthesise,
    to_vtt,
    voice_runs,
)

needs_espeak = pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng not installed (apt-get install espeak-ng)")
DAY = dt.date(2026, 1, 20)
TITLE = "Hugging Face 论文日报 2026-01-20"
# Nothing listens on the discard port: real edge-tts fails at once, with or without network.
DEAD_PROXY = "http://127.0.0.1:9"
_ENCODER = tts._encoder(22050)
HALF_SECOND_MP3 = bytes(_ENCODER.encode(b"\0\0" * 11025) + _ENCODER.flush())  # what a fake edge-tts returns
SHORT = ["大家好，今天共有两篇论文。", "第一篇，多路思维。我们提出多路思维机制。", "感谢收听。"]


def parse_vtt(text: str) -> list[tuple[float, float, str]]:
    def seconds(stamp: str) -> float:
        hours, minutes, rest = stamp.split(":")
        return int(hours) * 3600 + int(minutes) * 60 + float(rest)

    assert text.startswith("WEBVTT\n\n")
    cues = re.findall(r"(\d\d:\d\d:\d\d\.\d\d\d) --> (\d\d:\d\d:\d\d\.\d\d\d)\n(.+)", text)
    return [(seconds(a), seconds(b), cue) for a, b, cue in cues]


# --- pure parts ------------------------------------------------------------------------------


def test_chunks_keep_every_sentence_and_fit(fixtures_dir: Path, seeds_dir: Path) -> None:
    record = translated_day(fixtures_dir, seeds_dir)
    abstract = record.papers[0].translation.summary_zh
    chunks = chunk_text(abstract, 120)
    assert len(chunks) > 3 and all(len(c) <= 120 for c in chunks)
    assert "".join(chunks) == abstract  # Chinese joins without spaces; nothing lost or reordered

    english = record.papers[0].paper.summary
    words = chunk_text(english, 120)
    assert all(len(c) <= 120 for c in words)
    assert " ".join(words).split() == english.split()  # cut between words, never inside one


def test_voice_runs_send_english_stretches_to_the_english_voice() -> None:
    assert voice_runs("第一篇，Multiplex Thinking: Reasoning via Token wise Branch and Merge.") == [
        ("第一篇，", False),
        ("Multiplex Thinking: Reasoning via Token wise Branch and Merge.", True),
    ]
    # a name or a spelled acronym inside Chinese stays with the Chinese voice
    assert voice_runs("欢迎收听 Hugging Face 论文日报，L L M 很强。") == [("欢迎收听 Hugging Face 论文日报，L L M 很强。", False)]


def test_vtt_format() -> None:
    vtt = to_vtt([Cue(0, 1.5, "你好。"), Cue(1.9, 3661.25, "再见 --> 明天")])
    assert vtt == "WEBVTT\n\n00:00:00.000 --> 00:00:01.500\n你好。\n\n00:00:01.900 --> 01:01:01.250\n再见 → 明天\n"


# --- espeak-ng -------------------------------------------------------------------------------


@needs_espeak
async def test_espeak_broadcast_is_a_tagged_mp3_with_subtitles(fixtures_dir: Path, seeds_dir: Path, tmp_path: Path) -> None:
    script = build_script(translated_day(fixtures_dir, seeds_dir))
    mp3_path = tmp_path / "audio" / "2026-01-20.mp3"

    result = await synthesise(script, mp3_path, title=TITLE, date=DAY, engine="espeak")

    assert result.engine == "espeak" and result.mp3_path == mp3_path
    audio = MP3(mp3_path)
    assert audio.info.sample_rate == 22050 and audio.info.channels == 1
    assert audio.info.length == pytest.approx(result.duration_seconds)
    # espeak-ng reads Mandarin at about 0.3 s per character (measured 0.30 on this script).
    hanzi = sum(len(re.findall(r"[\u3400-\u9fff]", p)) for p in script)
    assert 0.2 * hanzi < result.duration_seconds < 0.4 * hanzi
    assert str(audio.tags["TIT2"]) == TITLE
    assert str(audio.tags["TDRC"]) == "2026-01-20"
    assert str(audio.tags["TPE1"]) == "hfdaily" and str(audio.tags["TALB"]) == "Hugging Face 论文日报"

    assert result.vtt_path == tmp_path / "audio" / "2026-01-20.vtt"
    cues = parse_vtt(result.vtt_path.read_text(encoding="utf-8"))
    assert len(cues) == result.chunks >= len(script)
    assert cues[0][2].startswith("大家好") and cues[-1][2].endswith("我们明天见！")
    assert all(start < end for start, end, _ in cues)
    assert all(prev[1] <= nxt[0] for prev, nxt in zip(cues, cues[1:]))
    assert cues[-1][1] <= result.duration_seconds
    assert sorted(p.name for p in mp3_path.parent.iterdir()) == ["2026-01-20.mp3", "2026-01-20.vtt"]


@needs_espeak
async def test_english_fallback_script_is_spoken(fixtures_dir: Path, tmp_path: Path) -> None:
    script = build_script(load_fixture_day(fixtures_dir, "2026-01-20"))
    result = await synthesise(script, tmp_path / "en.mp3", title=TITLE, date=DAY, engine="espeak")
    # English at espeak's 175 words a minute is about 0.06 s per character.
    characters = sum(len(p) for p in script)
    assert 0.04 * characters < result.duration_seconds < 0.12 * characters


# --- fallback and failures -------------------------------------------------------------------


@needs_espeak
async def test_auto_falls_back_to_espeak_when_edge_cannot_connect(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="hfdaily.make.tts"):
        result = await synthesise(SHORT, tmp_path / "day.mp3", title=TITLE, date=DAY, edge_proxy=DEAD_PROXY)

    assert result.engine == "espeak"
    assert "falling back to espeak-ng" in caplog.text and "edge-tts failed" in caplog.text
    assert MP3(result.mp3_path).info.length > 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["day.mp3", "day.vtt"]


@needs_espeak
async def test_auto_falls_back_when_edge_fails_midway(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []

    async def first_chunk_then_disconnect(text: str, voice: str, proxy: str | None):
        calls.append(text)
        if len(calls) > 1:
            raise aiohttp.ServerDisconnectedError()
        return HALF_SECOND_MP3, [Cue(0, 0.5, text)]

    monkeypatch.setattr(tts, "_edge_chunk", first_chunk_then_disconnect)
    result = await synthesise(SHORT, tmp_path / "day.mp3", title=TITLE, date=DAY)

    assert len(calls) == 2 and result.engine == "espeak"
    assert parse_vtt(result.vtt_path.read_text(encoding="utf-8"))[0][2] == "大家好，今天共有两篇论文。"


async def test_edge_chunks_are_joined_with_shifted_subtitles(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    async def fake_edge(text: str, voice: str, proxy: str | None):
        assert voice == "zh-CN-XiaoxiaoNeural" and proxy is None
        return HALF_SECOND_MP3, [Cue(0.05, 0.45, text)]

    monkeypatch.setattr(tts, "_edge_chunk", fake_edge)
    result = await synthesise(SHORT, tmp_path / "day.mp3", title=TITLE, date=DAY, engine="edge")

    assert result.engine == "edge" and result.chunks == 3
    one = MP3(io.BytesIO(HALF_SECOND_MP3)).info.length
    assert result.duration_seconds == pytest.approx(3 * one, abs=0.01)  # frames concatenated
    cues = parse_vtt(result.vtt_path.read_text(encoding="utf-8"))
    assert [c[2] for c in cues] == SHORT
    assert [c[0] for c in cues] == pytest.approx([0.05, one + 0.05, 2 * one + 0.05], abs=0.001)
    assert str(MP3(result.mp3_path).tags["TIT2"]) == TITLE


async def test_edge_failing_midway_leaves_no_file_and_keeps_the_old_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []

    async def first_chunk_then_timeout(text: str, voice: str, proxy: str | None):
        calls.append(text)
        if len(calls) > 1:
            raise TimeoutError("receive timed out")
        return HALF_SECOND_MP3, []

    monkeypatch.setattr(tts, "_edge_chunk", first_chunk_then_timeout)
    (tmp_path / "old.mp3").write_bytes(b"yesterday's audio")
    with pytest.raises(TTSUnavailableError, match="edge-tts failed.*use engine='espeak' offline"):
        await synthesise(SHORT, tmp_path / "day.mp3", title=TITLE, date=DAY, engine="edge")
    with pytest.raises(TTSUnavailableError):
        await synthesise(SHORT, tmp_path / "old.mp3", title=TITLE, date=DAY, engine="edge")

    assert [p.name for p in tmp_path.iterdir()] == ["old.mp3"]
    assert (tmp_path / "old.mp3").read_bytes() == b"yesterday's audio"


@needs_espeak
async def test_espeak_failing_midway_leaves_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = tts._espeak_pcm

    async def fail_on_the_thank_you(binary: str, text: str, voice: str):
        if "感谢" in text:
            raise TTSError("espeak-ng failed (exit 1): simulated")
        return await real(binary, text, voice)

    monkeypatch.setattr(tts, "_espeak_pcm", fail_on_the_thank_you)
    with pytest.raises(TTSError, match="simulated"):
        await synthesise(SHORT, tmp_path / "day.mp3", title=TITLE, date=DAY, engine="espeak")
    assert list(tmp_path.iterdir()) == []


@needs_espeak
async def test_interrupted_while_writing_leaves_no_temp_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(path: Path, title: str, day: dt.date) -> None:
        assert path.stat().st_size > 0  # the MP3 was being written to a temporary file …
        raise KeyboardInterrupt

    monkeypatch.setattr(tts, "_tag", interrupted)
    with pytest.raises(KeyboardInterrupt):
        await synthesise(SHORT, tmp_path / "day.mp3", title=TITLE, date=DAY, engine="espeak")
    assert list(tmp_path.iterdir()) == []  # … and is gone, with no MP3 renamed into place


async def test_missing_espeak_is_explained(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no espeak-ng on this PATH
    with pytest.raises(TTSUnavailableError, match="apt-get install espeak-ng"):
        await synthesise(SHORT, tmp_path / "day.mp3", title=TITLE, date=DAY, engine="espeak")
    with pytest.raises(TTSUnavailableError, match="no TTS engine works: edge-tts failed.*apt-get install espeak-ng"):
        await synthesise(SHORT, tmp_path / "day.mp3", title=TITLE, date=DAY, edge_proxy=DEAD_PROXY)
    assert list(tmp_path.iterdir()) == []


@needs_espeak
async def test_espeak_engine_never_tries_the_network(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    async def must_not_be_called(*args: object) -> None:
        raise AssertionError("edge-tts used although the engine is espeak")

    monkeypatch.setattr(tts, "_edge_chunk", must_not_be_called)
    result = await synthesise(SHORT, tmp_path / "day.mp3", title=TITLE, date=DAY, engine="espeak")
    assert result.engine == "espeak"


async def test_bad_input_is_explained(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(TTSError, match="unknown TTS engine 'festival'"):
        await synthesise(SHORT, tmp_path / "day.mp3", title=TITLE, date=DAY, engine="festival")
    with pytest.raises(TTSError, match="script is empty"):
        await synthesise(["", "  "], tmp_path / "day.mp3", title=TITLE, date=DAY, engine="espeak")
    if shutil.which("espeak-ng"):
        with pytest.raises(TTSError, match="voice 'xx-nonexistent'"):
            await synthesise(SHORT, tmp_path / "day.mp3", title=TITLE, date=DAY, engine="espeak", espeak_voice="xx-nonexistent")
    assert list(tmp_path.iterdir()) == []
