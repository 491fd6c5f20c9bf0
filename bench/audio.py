"""Benchmark the audio broadcast on the biggest recorded day (2025-09-30, 50 papers).

Builds the script twice — as it comes from HF (English fallback, no translations) and with a
fake Chinese translation per paper — times script building and espeak-ng synthesis, and checks
the MP3 is really speech (duration, size, loudness of the decoded audio).

    python bench/audio.py [--fixtures ../shared/fixtures] [--out /tmp/hfdaily-bench-audio]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import math
import shutil
import subprocess
import sys
import tempfile
import time
from array import array
from pathlib import Path

from benchkit import FIXTURES, load
from hfdaily.make.broadcast import build_script
from hfdaily.make.tts import espeak_speech, synthesise
from hfdaily.models import DayRecord, Translation
from hfdaily.testing.days import recorded_day

REPO = Path(__file__).resolve().parents[1]
DAY = dt.date(2025, 9, 30)
# Hand-written stand-ins for translations: (title, abstract), reused round-robin.
FAKE_CHINESE = [
    ("多路思维：基于词元级分支与合并的推理方法", "现有方法生成的推理链过长。我们提出一种新的推理机制，在每一步采样4个候选词元并合并，序列长度缩短了百分之三十。"),
    ("面向真实开发的智能体后端编码基准", "我们提出了一个包含224项任务的基准测试，涵盖8种编程语言和19种框架。即使最强的模型，通过率也不足50%。"),
    ("大语言模型（LLM）的置信度校准", "检索增强生成（RAG）中的噪声会让模型过度自信。我们提出噪声感知的校准方法，使ECE分数改善了10.9%。"),
    ("通用医学图像分割基础模型", "我们在2025年收集的大规模数据集上微调了SAM3模型，覆盖CT、MRI与超声等模态，在33个数据集上取得领先结果。"),
    ("定位与稳定语言模型的默认角色", "本研究揭示了模型内部存在一个主导的“助手轴”。通过限制第56-71层的激活投影，有害输出减少了约一半。"),
    ("长上下文多模态科学文献中的证据链追踪", "我们构建了一个保留图文交叉结构的科学语料库。实验表明，Gemini 3 Pro 的综合得分为0.573，GPT-5 的问答准确率为0.767。"),
]


def load_day(fixtures: Path) -> DayRecord:
    return recorded_day(fixtures, DAY)


def with_fake_chinese(record: DayRecord) -> DayRecord:
    papers = [
        entry.model_copy(update={"translation": Translation(title_zh=title, summary_zh=summary)})
        for entry, (title, summary) in zip(record.papers, FAKE_CHINESE * len(record.papers))
    ]
    return record.model_copy(update={"papers": papers})


def loudness(samples: array) -> tuple[float, float]:
    """RMS (0–1 of full scale) and the share of 20 ms windows that are near-silent."""
    window = 441  # 20 ms at 22.05 kHz
    quiet = windows = 0
    total = 0.0
    for start in range(0, len(samples), window):
        block = samples[start : start + window]
        energy = sum(s * s for s in block)
        total += energy
        windows += 1
        quiet += math.sqrt(energy / len(block)) < 0.01 * 32768
    return math.sqrt(total / max(len(samples), 1)) / 32768, quiet / max(windows, 1)


def decoded_samples(mp3: Path, paragraphs: list[str]) -> tuple[array, str]:
    """The MP3 decoded by sox when it can (independent of our encoder); else espeak's own PCM."""
    if shutil.which("sox"):
        raw = subprocess.run(
            ["sox", str(mp3), "-t", "raw", "-e", "signed", "-b", "16", "-c", "1", "-r", "22050", "-"],
            capture_output=True, check=True,
        ).stdout  # fmt: skip
        return array("h", raw), "sox-decoded MP3"
    pcm, _ = asyncio.run(espeak_speech(paragraphs, "cmn-latn-pinyin"))
    return array("h", pcm.samples), "espeak PCM (sox not installed)"


def bench(name: str, record: DayRecord, out: Path) -> None:
    started = time.perf_counter()
    for _ in range(20):
        paragraphs = build_script(record)
    script_seconds = (time.perf_counter() - started) / 20
    characters = sum(len(p) for p in paragraphs)

    mp3 = out / f"{DAY}-{name}.mp3"
    started = time.perf_counter()
    result = asyncio.run(synthesise(paragraphs, mp3, title=f"Hugging Face 论文日报 {DAY}", date=DAY, engine="espeak"))
    synth_seconds = time.perf_counter() - started

    samples, source = decoded_samples(mp3, paragraphs)
    rms, quiet = loudness(samples)
    print(f"[{name}] {len(record.papers)} papers, {len(paragraphs)} paragraphs, {characters:,} characters")
    print(f"  build_script   {script_seconds * 1000:8.2f} ms (mean of 20)")
    print(f"  espeak + mp3   {synth_seconds:8.2f} s  ({result.chunks} chunks)")
    print(f"  audio          {result.duration_seconds:8.1f} s  = {result.duration_seconds / 60:.1f} min,"
          f" {result.duration_seconds / characters:.3f} s/char, {result.duration_seconds / synth_seconds:.0f}x real time")  # fmt: skip
    print(f"  mp3            {mp3.stat().st_size / 1e6:8.2f} MB  {mp3}")
    print(f"  loudness       RMS {rms:.3f} of full scale, {quiet:.0%} of 20 ms windows near-silent ({source})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fixtures", type=Path, default=FIXTURES)
    parser.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()) / "hfdaily-bench-audio")
    parser.add_argument("--smoke", action="store_true", help="the first 3 papers only: checks the bench works (CI)")
    args = parser.parse_args()
    if not (args.fixtures / "hf_daily_papers" / f"{DAY}.json").is_file():
        sys.exit(f"fixture {DAY}.json not found under {args.fixtures}/hf_daily_papers (use --fixtures)")
    record = load_day(args.fixtures)
    if args.smoke:
        record.papers = record.papers[:3]
    bench("english", record, args.out)
    bench("chinese", with_fake_chinese(record), args.out)
    print(f"[{load()}]")


if __name__ == "__main__":
    main()
