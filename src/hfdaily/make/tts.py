"""Text to speech: the broadcast script → one tagged MP3 and a WebVTT transcript beside it.

Two engines: Microsoft Edge's online voices (edge-tts, natural, needs the network) and espeak-ng
(offline, robotic but always there). ``engine="auto"`` tries edge and falls back to espeak-ng on
any network error. Output is written atomically: nothing is renamed into place until the MP3 is
complete and tagged, so an empty or half-written file is never left behind; the MP3 is streamed
chunk by chunk into its temporary file, so memory does not grow with the length of the day.
"""

from __future__ import annotations

import asyncio
import io
import logging
import os
import re
import secrets
import shutil
import textwrap
import wave
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date as Date
from pathlib import Path
from typing import BinaryIO, Literal

import aiohttp
import edge_tts
import lameenc
from edge_tts.exceptions import EdgeTTSException
from mutagen.id3 import ID3, TALB, TDRC, TIT2, TPE1
from mutagen.mp3 import MP3
from pydantic import BaseModel

from hfdaily.errors import TTSError, TTSUnavailableError  # noqa: F401  (re-exported)
from hfdaily.make.broadcast import sentences

log = logging.getLogger(__name__)

ENGINES = ("auto", "edge", "espeak")
ARTIST = "hfdaily"
ALBUM = "Hugging Face 论文日报"

# espeak chunks are also the subtitle cues, so they stay sentence-sized; edge-tts reports its
# own sentence boundaries, so it gets whole paragraphs (it splits long requests itself).
ESPEAK_MAX_CHARS = 120
EDGE_MAX_CHARS = 1000
PARAGRAPH_GAP_SECONDS = 0.4  # a breath between papers
MP3_KBPS = 48  # speech, mono: the same rate edge-tts delivers

# What "the network is not there" looks like from edge-tts (aiohttp errors are mostly OSErrors;
# asyncio timeouts are TimeoutError, also an OSError).
_EDGE_FAILURES = (OSError, aiohttp.ClientError, EdgeTTSException)

_CJK_TEXT = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
_LATIN_STRETCH = re.compile(r"[A-Za-z][^\u3000-\u303f\u3400-\u9fff\uff00-\uffef]*")
_WORD = re.compile(r"[A-Za-z]{2,}")
_CLAUSE_END = re.compile(r"(?<=[，；、,;])")


class AudioResult(BaseModel):
    mp3_path: Path
    vtt_path: Path | None
    engine: Literal["edge", "espeak"]
    duration_seconds: float
    chunks: int


@dataclass(frozen=True)
class Cue:
    start: float  # seconds
    end: float
    text: str


@dataclass(frozen=True)
class Streamed:
    """What an engine reports once it has streamed the whole MP3 into its file."""

    cues: list[Cue]
    engine: Literal["edge", "espeak"]
    chunks: int


@dataclass(frozen=True)
class Pcm:
    samples: bytes  # 16-bit signed little-endian mono
    rate: int

    @property
    def seconds(self) -> float:
        return len(self.samples) / 2 / self.rate


# --- Chunking and subtitles (pure) ---------------------------------------------------------


def _join(left: str, right: str) -> str:
    # Chinese runs on without spaces; English needs one between sentences.
    glue = "" if not left or _CJK_TEXT.match(left[-1]) or _CJK_TEXT.match(right[:1]) else " "
    return left + glue + right


def _fit(sentence: str, max_chars: int) -> list[str]:
    """A sentence too long for one chunk is cut at clause marks, then between words (Chinese,
    having no spaces, anywhere)."""
    if len(sentence) <= max_chars:
        return [sentence]
    pieces: list[str] = []
    for clause in _CLAUSE_END.split(sentence):
        pieces.extend(textwrap.wrap(clause.strip(), max_chars))
    return pieces


def chunk_text(paragraph: str, max_chars: int) -> list[str]:
    """Split a paragraph at sentence ends into chunks of at most ``max_chars`` characters."""
    chunks: list[str] = []
    current = ""
    for sentence in sentences(paragraph):
        for piece in _fit(sentence, max_chars):
            candidate = _join(current, piece)
            if current and len(candidate) > max_chars:
                chunks.append(current)
                candidate = piece
            current = candidate
    return [*chunks, current] if current else chunks


def voice_runs(text: str) -> list[tuple[str, bool]]:
    """Split text into (segment, is_english): English stretches of three words or more are read
    by an English voice, since the pinyin voice would read "reasoning" as pinyin syllables;
    names and spelled acronyms inside Chinese stay with the Chinese voice."""
    runs: list[tuple[str, bool]] = []
    position = 0

    def add(segment: str, english: bool) -> None:
        if not segment.strip():
            return
        if runs and runs[-1][1] == english:
            runs[-1] = (runs[-1][0] + segment, english)
        else:
            runs.append((segment, english))

    for stretch in _LATIN_STRETCH.finditer(text):
        if len(_WORD.findall(stretch[0])) >= 3:
            add(text[position : stretch.start()], False)
            add(stretch[0], True)
            position = stretch.end()
    add(text[position:], False)
    return [(segment.strip(), english) for segment, english in runs]


def _timestamp(seconds: float) -> str:
    millis = round(seconds * 1000)
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    return f"{hours:02d}:{minutes:02d}:{rest // 1000:02d}.{rest % 1000:03d}"


def to_vtt(cues: list[Cue]) -> str:
    """WebVTT text for the cues (which are already in time order)."""
    blocks = [f"{_timestamp(c.start)} --> {_timestamp(c.end)}\n{c.text.replace('-->', '→')}" for c in cues]
    return "WEBVTT\n\n" + "\n\n".join(blocks) + "\n"


# --- espeak-ng -------------------------------------------------------------------------------


def _espeak_binary() -> str:
    binary = shutil.which("espeak-ng")
    if binary is None:
        raise TTSUnavailableError(
            "espeak-ng is not installed (needed for offline speech): apt-get install espeak-ng"
        )
    return binary


def _wav_to_pcm(data: bytes) -> Pcm:
    # espeak-ng streams WAV to stdout with placeholder sizes; wave reads whatever is there.
    try:
        with wave.open(io.BytesIO(data)) as wav:
            if wav.getsampwidth() != 2 or wav.getnchannels() != 1:
                raise TTSError(f"espeak-ng produced unexpected audio: {wav.getparams()}")
            return Pcm(wav.readframes(wav.getnframes()), wav.getframerate())
    except (wave.Error, EOFError) as exc:
        raise TTSError(f"espeak-ng did not produce a WAV stream ({exc})") from exc


async def _espeak_pcm(binary: str, text: str, voice: str) -> Pcm:
    process = await asyncio.create_subprocess_exec(
        binary, "-v", voice, "--stdout", "--stdin",
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        out, err = await process.communicate(text.encode())
    except BaseException:  # cancelled or interrupted: do not leave espeak-ng running
        process.kill()
        await process.wait()
        raise
    if process.returncode != 0:
        raise TTSError(f"espeak-ng failed with voice {voice!r} (exit {process.returncode}): {err.decode().strip()}")
    return _wav_to_pcm(out)


async def _espeak_chunk(binary: str, text: str, voice: str, english_voice: str) -> Pcm:
    parts = [
        await _espeak_pcm(binary, segment, english_voice if english else voice) for segment, english in voice_runs(text)
    ]
    rates = {part.rate for part in parts}
    if len(rates) > 1:
        raise TTSError(f"espeak-ng voices {voice!r} and {english_voice!r} differ in sample rate: {rates}")
    return Pcm(b"".join(p.samples for p in parts), rates.pop() if rates else 22050)


def encode_mp3(pcm: Pcm) -> bytes:
    encoder = lameenc.Encoder()
    encoder.set_in_sample_rate(pcm.rate)
    encoder.set_channels(1)
    encoder.set_bit_rate(MP3_KBPS)
    # LAME's default quality: 2 is 1.5x slower for no audible gain on espeak's voice, and
    # encoding is the slowest step (about 2.4 s for a 50-paper day, 15 minutes of audio).
    encoder.set_quality(5)
    return bytes(encoder.encode(pcm.samples) + encoder.flush())


async def espeak_speech(paragraphs: list[str], voice: str, english_voice: str = "en-us") -> tuple[Pcm, list[Cue]]:
    """Synthesise every chunk with espeak-ng (as many at once as there are cores), then join the
    PCM with a short pause between paragraphs. Cue times come from the PCM lengths."""
    binary = _espeak_binary()
    chunks = [(p, text) for p, paragraph in enumerate(paragraphs) for text in chunk_text(paragraph, ESPEAK_MAX_CHARS)]
    limit = asyncio.Semaphore(os.cpu_count() or 1)

    async def render(text: str) -> Pcm:
        async with limit:
            return await _espeak_chunk(binary, text, voice, english_voice)

    # A TaskGroup cancels the other chunks as soon as one fails; the first failure is the story.
    try:
        async with asyncio.TaskGroup() as group:
            tasks = [group.create_task(render(text)) for _, text in chunks]
    except ExceptionGroup as failures:
        raise failures.exceptions[0] from None
    rate = tasks[0].result().rate if tasks else 22050
    gap = b"\0\0" * round(rate * PARAGRAPH_GAP_SECONDS)
    samples, cues, previous = bytearray(), [], None
    for (paragraph, text), task in zip(chunks, tasks):
        pcm = task.result()
        if pcm.rate != rate:
            raise TTSError(f"espeak-ng changed sample rate mid-script ({rate} → {pcm.rate})")
        if previous is not None and paragraph != previous:
            samples += gap
        start = len(samples) / 2 / rate
        samples += pcm.samples
        cues.append(Cue(start, len(samples) / 2 / rate, text))
        previous = paragraph
    return Pcm(bytes(samples), rate), cues


async def _espeak_into(sink: BinaryIO, paragraphs: list[str], voice: str, english_voice: str = "en-us") -> Streamed:
    """Synthesise chunk after chunk with espeak-ng (a few ahead, as many at once as there are
    cores) and encode each into ``sink`` as it comes: memory holds a few chunks, not the day's
    whole PCM (hours of audio for a huge day). Cue times come from the PCM lengths."""
    binary = _espeak_binary()
    chunks = iter([(p, text) for p, paragraph in enumerate(paragraphs) for text in chunk_text(paragraph, ESPEAK_MAX_CHARS)])
    limit = asyncio.Semaphore(os.cpu_count() or 1)
    ahead = 2 * (os.cpu_count() or 1)

    async def render(text: str) -> Pcm:
        async with limit:
            return await _espeak_chunk(binary, text, voice, english_voice)

    pending: deque[tuple[int, str, asyncio.Task[Pcm]]] = deque()

    def refill() -> None:
        while len(pending) < ahead and (item := next(chunks, None)) is not None:
            pending.append((item[0], item[1], asyncio.ensure_future(render(item[1]))))

    encoder, rate, seconds, previous, cues = None, 0, 0.0, None, []
    try:
        refill()
        while pending:
            paragraph, text, task = pending.popleft()
            pcm = await task
            refill()
            if encoder is None:
                encoder, rate = _encoder(pcm.rate), pcm.rate
            elif pcm.rate != rate:
                raise TTSError(f"espeak-ng changed sample rate mid-script ({rate} → {pcm.rate})")
            samples = pcm.samples
            if previous is not None and paragraph != previous:
                samples = b"\0\0" * round(rate * PARAGRAPH_GAP_SECONDS) + samples
                seconds += PARAGRAPH_GAP_SECONDS
            sink.write(await asyncio.to_thread(encoder.encode, samples))
            cues.append(Cue(seconds, seconds + pcm.seconds, text))
            seconds += pcm.seconds
            previous = paragraph
        if encoder is not None:
            sink.write(bytes(encoder.flush()))
    finally:  # a failed chunk (or Ctrl-C) stops the others: no espeak-ng is left running
        for _, _, task in pending:
            task.cancel()
        await asyncio.gather(*(task for _, _, task in pending), return_exceptions=True)
    return Streamed(cues, "espeak", len(cues))


def _encoder(rate: int) -> lameenc.Encoder:
    encoder = lameenc.Encoder()
    encoder.set_in_sample_rate(rate)
    encoder.set_channels(1)
    encoder.set_bit_rate(MP3_KBPS)
    encoder.set_quality(5)  # see encode_mp3
    return encoder


# --- edge-tts --------------------------------------------------------------------------------


def _mp3_seconds(data: bytes) -> float:
    return MP3(io.BytesIO(data)).info.length


async def _edge_chunk(text: str, voice: str, proxy: str | None) -> tuple[bytes, list[Cue]]:
    """One edge-tts request: MP3 bytes and sentence cues relative to the chunk's start."""
    communicate = edge_tts.Communicate(text, voice, boundary="SentenceBoundary", proxy=proxy)
    subtitles = edge_tts.SubMaker()
    audio = bytearray()
    async for message in communicate.stream():
        if message["type"] == "audio":
            audio += message["data"]
        elif message["type"] in ("WordBoundary", "SentenceBoundary"):
            subtitles.feed(message)
    cues = [Cue(c.start.total_seconds(), c.end.total_seconds(), c.content) for c in subtitles.cues]
    return bytes(audio), cues


async def _edge_into(sink: BinaryIO, paragraphs: list[str], voice: str, proxy: str | None) -> Streamed:
    # MPEG frames concatenate into a valid stream, so each chunk is appended to the file as it comes.
    cues, offset, chunks = [], 0.0, 0
    for paragraph in paragraphs:
        for text in chunk_text(paragraph, EDGE_MAX_CHARS):
            data, chunk_cues = await _edge_chunk(text, voice, proxy)
            cues += [Cue(c.start + offset, c.end + offset, c.text) for c in chunk_cues]
            offset += _mp3_seconds(data)
            sink.write(data)
            chunks += 1
    return Streamed(cues, "edge", chunks)


# --- Writing ---------------------------------------------------------------------------------


@contextmanager
def _staged(path: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; rename it into place only if the block succeeds,
    delete it otherwise (also on Ctrl-C), so readers never see a partial file."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.part")
    try:
        yield temporary
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def _tag(path: Path, title: str, day: Date) -> None:
    tags = ID3()
    tags.add(TIT2(encoding=3, text=title))
    tags.add(TDRC(encoding=3, text=day.isoformat()))
    tags.add(TPE1(encoding=3, text=ARTIST))
    tags.add(TALB(encoding=3, text=ALBUM))
    tags.save(path)


def _finish(mp3_temp: Path, mp3_path: Path, streamed: Streamed, title: str, day: Date) -> AudioResult:
    """Tag the complete MP3 (still under its temporary name) and write the transcript beside it."""
    _tag(mp3_temp, title, day)
    duration = MP3(mp3_temp).info.length
    vtt_path = mp3_path.with_suffix(".vtt") if streamed.cues else None
    if vtt_path:  # the transcript goes first: an MP3 in place means everything is done
        with _staged(vtt_path) as vtt_temp:
            vtt_temp.write_text(to_vtt(streamed.cues), encoding="utf-8")
    return AudioResult(
        mp3_path=mp3_path, vtt_path=vtt_path, engine=streamed.engine, duration_seconds=duration, chunks=streamed.chunks
    )


# --- Entry point -----------------------------------------------------------------------------


def _resolve_engine(engine: str) -> str:
    if engine not in ENGINES:
        raise TTSError(f"unknown TTS engine {engine!r}: choose one of {', '.join(ENGINES)} (HFDAILY_TTS_ENGINE)")
    return engine


async def synthesise(
    paragraphs: list[str],
    mp3_path: Path,
    *,
    title: str,
    date: Date,
    engine: str = "auto",
    voice: str = "zh-CN-XiaoxiaoNeural",
    espeak_voice: str = "cmn-latn-pinyin",
    edge_proxy: str | None = None,
) -> AudioResult:
    """Read ``paragraphs`` aloud into ``mp3_path`` (tagged) and a ``.vtt`` transcript beside it.

    ``engine``: "edge", "espeak" or "auto" (edge, then espeak-ng on a network error).
    ``edge_proxy`` routes edge-tts through a proxy.
    """
    engine = _resolve_engine(engine)
    paragraphs = [p.strip() for p in paragraphs if p.strip()]
    if not paragraphs:
        raise TTSError(f"nothing to say for {mp3_path.name}: the broadcast script is empty")
    mp3_path.parent.mkdir(parents=True, exist_ok=True)
    with _staged(mp3_path) as mp3_temp:
        with open(mp3_temp, "wb") as sink:
            if engine == "espeak":
                streamed = await _espeak_into(sink, paragraphs, espeak_voice)
            else:
                try:
                    streamed = await _edge_into(sink, paragraphs, voice, edge_proxy)
                except _EDGE_FAILURES as exc:
                    reason = f"edge-tts failed ({type(exc).__name__}: {exc})"
                    if engine == "edge":
                        raise TTSUnavailableError(f"{reason}; it needs network access, use engine='espeak' offline") from exc
                    log.warning("%s; falling back to espeak-ng", reason)
                    sink.seek(0)
                    sink.truncate()
                    try:
                        streamed = await _espeak_into(sink, paragraphs, espeak_voice)
                    except TTSUnavailableError as missing:
                        raise TTSUnavailableError(f"no TTS engine works: {reason}, and {missing}") from exc
        return await asyncio.to_thread(_finish, mp3_temp, mp3_path, streamed, title, date)


# --- Speech as it becomes known --------------------------------------------------------------


@dataclass(frozen=True)
class Segment:
    """One paragraph spoken: MP3 frames (they concatenate into a valid stream) and its cues."""

    mp3: bytes
    cues: list[Cue]  # relative to the segment's start
    seconds: float
    engine: Literal["edge", "espeak"]


class Segments:
    """A day's speech, synthesised paragraph by paragraph as soon as each paragraph is known (a
    paper's as its answers arrive, while the LLM is still asked about the others), then joined in
    the script's order by :meth:`write`: what is left at the end of the day is a concatenation.

    ``engine="auto"`` tries edge-tts for each paragraph until one fails on the network; from then
    on every paragraph is espeak-ng's, and the ones edge spoke are spoken again by espeak-ng before
    the join, so a broadcast never changes voice half-way. Memory holds the day's MP3 (~5 MB for
    50 papers); the pipeline speaks days this way only up to a few hundred papers."""

    def __init__(self, engine: str = "auto", voice: str = "zh-CN-XiaoxiaoNeural", *,
                 espeak_voice: str = "cmn-latn-pinyin", edge_proxy: str | None = None,
                 slots: asyncio.Semaphore | None = None):
        self.engine = _resolve_engine(engine)
        self.voice, self.espeak_voice, self.edge_proxy = voice, espeak_voice, edge_proxy
        self._espeak_only = self.engine == "espeak"
        self._edge_failure: str | None = None
        self._tasks: dict[str, asyncio.Task[Segment]] = {}
        # espeak-ng processes at once; a backfill shares one limit between its days
        self._slots = slots or asyncio.Semaphore(os.cpu_count() or 1)

    def speak(self, paragraph: str) -> None:
        """Start synthesising ``paragraph`` (once: the same text is spoken once)."""
        paragraph = paragraph.strip()
        if paragraph and paragraph not in self._tasks:
            self._tasks[paragraph] = asyncio.ensure_future(self._segment(paragraph))

    async def _segment(self, text: str) -> Segment:
        if not self._espeak_only:
            try:
                return await self._edge(text)
            except _EDGE_FAILURES as exc:
                reason = f"edge-tts failed ({type(exc).__name__}: {exc})"
                if self.engine == "edge":
                    raise TTSUnavailableError(f"{reason}; it needs network access, use engine='espeak' offline") from exc
                if not self._espeak_only:
                    log.warning("%s; falling back to espeak-ng", reason)
                self._espeak_only, self._edge_failure = True, reason
        return await self._espeak(text)

    async def _edge(self, text: str) -> Segment:
        audio, cues, offset = bytearray(), [], 0.0
        for chunk in chunk_text(text, EDGE_MAX_CHARS):
            data, chunk_cues = await _edge_chunk(chunk, self.voice, self.edge_proxy)
            cues += [Cue(c.start + offset, c.end + offset, c.text) for c in chunk_cues]
            offset += _mp3_seconds(data)
            audio += data
        return Segment(bytes(audio), cues, offset, "edge")

    async def _espeak(self, text: str) -> Segment:
        try:
            binary = _espeak_binary()
        except TTSUnavailableError as missing:
            if self._edge_failure:
                raise TTSUnavailableError(f"no TTS engine works: {self._edge_failure}, and {missing}") from None
            raise

        async def one(chunk: str) -> Pcm:
            async with self._slots:
                return await _espeak_chunk(binary, chunk, self.espeak_voice, "en-us")

        chunks = chunk_text(text, ESPEAK_MAX_CHARS)
        pcms = await asyncio.gather(*(one(c) for c in chunks))
        rates = {p.rate for p in pcms}
        if len(rates) > 1:
            raise TTSError(f"espeak-ng changed sample rate mid-script ({' → '.join(map(str, rates))})")
        cues, seconds = [], 0.0
        for chunk, pcm in zip(chunks, pcms):
            cues.append(Cue(seconds, seconds + pcm.seconds, chunk))
            seconds += pcm.seconds
        gap = b"\0\0" * round(pcms[0].rate * PARAGRAPH_GAP_SECONDS)  # a breath before the next paragraph
        mp3 = await asyncio.to_thread(encode_mp3, Pcm(b"".join(p.samples for p in pcms) + gap, pcms[0].rate))
        return Segment(mp3, cues, _mp3_seconds(mp3), "espeak")

    async def write(self, paragraphs: list[str], mp3_path: Path, *, title: str, date: Date) -> AudioResult:
        """Join the paragraphs' segments (speaking those not yet spoken) into ``mp3_path``, tagged,
        with its ``.vtt`` beside it; written atomically, like :func:`synthesise`."""
        paragraphs = [p.strip() for p in paragraphs if p.strip()]
        if not paragraphs:
            raise TTSError(f"nothing to say for {mp3_path.name}: the broadcast script is empty")
        for paragraph in paragraphs:
            self.speak(paragraph)
        segments = [await self._tasks[p] for p in paragraphs]
        if len({s.engine for s in segments}) > 1:  # edge failed part-way: one voice for the whole day
            for paragraph, segment in zip(paragraphs, segments):
                if segment.engine == "edge":
                    self._tasks[paragraph] = asyncio.ensure_future(self._espeak(paragraph))
            segments = [await self._tasks[p] for p in paragraphs]
        mp3_path.parent.mkdir(parents=True, exist_ok=True)
        cues, offset = [], 0.0
        with _staged(mp3_path) as mp3_temp:
            with open(mp3_temp, "wb") as sink:
                for segment in segments:
                    sink.write(segment.mp3)
                    cues += [Cue(c.start + offset, c.end + offset, c.text) for c in segment.cues]
                    offset += segment.seconds
            streamed = Streamed(cues, segments[0].engine, len(cues))
            return await asyncio.to_thread(_finish, mp3_temp, mp3_path, streamed, title, date)

    async def close(self) -> None:
        """Stop what is still being spoken (a failed or interrupted run): no espeak-ng is left running."""
        pending = [t for t in self._tasks.values() if not t.done()]
        for task in pending:
            task.cancel()
        await asyncio.gather(*self._tasks.values(), return_exceptions=True)
