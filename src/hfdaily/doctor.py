"""``hfdaily doctor``: in a few seconds, whether a scheduled run would work, and what to fix if not.

One line per check, ✓ or ✗, each ✗ saying what to do; exit 0 only when nothing a run needs is
missing. It costs at most one tiny LLM request (``max_tokens`` 1, thinking off) and sends nothing
to the notify channels unless ``--send-test`` asks for one message each. The network checks run at
once, each with a short timeout.
"""

from __future__ import annotations

import errno
import json
import fcntl
import os
import shutil
import socket
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from hfdaily.config import PRESETS, Settings, load_settings, reveal
from hfdaily.errors import HfdailyError

TIMEOUT = 5.0
MIRROR_HINT = "set HF_ENDPOINT=https://hf-mirror.com (a mirror), or check the network"


@dataclass
class Check:
    name: str
    ok: bool
    detail: str
    blocking: bool = True  # False: the run works without it (a ✗ says what is left out)

    def line(self) -> str:
        return f"{'✓' if self.ok else '✗'} {self.name}: {self.detail}"


def _get(url: str, **kw) -> httpx.Response:
    return httpx.get(url, timeout=TIMEOUT, follow_redirects=True, **kw)


def check_hf(settings: Settings) -> Check:
    url = f"{settings.hf.endpoint}/api/daily_papers"
    token = reveal(settings.hf.token)
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    try:
        response = _get(url, params={"limit": 1}, headers=headers)
    except httpx.HTTPError as exc:
        return Check("Hugging Face", False, f"cannot reach {settings.hf.endpoint} ({type(exc).__name__}): {MIRROR_HINT}")
    if response.status_code != 200:
        return Check("Hugging Face", False, f"{url} answered HTTP {response.status_code}: {MIRROR_HINT}")
    return Check("Hugging Face", True, f"{settings.hf.endpoint} lists the daily papers")


def check_arxiv(settings: Settings) -> Check:
    try:
        response = _get(f"{settings.arxiv.url}/abs/2601.08808")
    except httpx.HTTPError as exc:
        return Check("arXiv", False, f"cannot reach {settings.arxiv.url} ({type(exc).__name__}): the analysis would read "
                     "HF's abstracts only; check the network or HFDAILY_ARXIV_URL", blocking=False)
    if response.status_code >= 500:
        return Check("arXiv", False, f"{settings.arxiv.url} answered HTTP {response.status_code}: the analysis would "
                     "read HF's abstracts only", blocking=False)
    return Check("arXiv", True, f"{settings.arxiv.url} answers")


def check_llm(settings: Settings) -> Check:
    """One request of one token, stating the reasoning mode as the runs do."""
    from hfdaily.enrich.llm import _UNKNOWN_MODEL, redact
    from hfdaily.providers import provider_for

    if not settings.llm_configured:
        return Check("LLM", False, "none configured: set DEEPSEEK_API_KEY=sk-... (or HFDAILY_LLM_PROVIDER="
                     f"{'|'.join(PRESETS)} with its key, or HFDAILY_LLM_BASE_URL + HFDAILY_LLM_MODEL), "
                     "or run with --no-llm")
    llm = settings.llm
    provider = provider_for(llm.provider, llm.base_url)
    key_var = f"{PRESETS[llm.provider][2]} (or HFDAILY_LLM_API_KEY)" if llm.provider in PRESETS else "HFDAILY_LLM_API_KEY"
    body: dict = {"model": llm.model, "messages": [{"role": "user", "content": "你好"}], "max_tokens": 1}
    if provider is not None:
        body.update(provider.reasoning(False))
    api_key = reveal(llm.api_key)
    headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
    url = f"{llm.base_url.rstrip('/')}/chat/completions"
    secrets = (api_key,) if api_key else ()
    try:
        response = httpx.post(url, json=body, headers=headers, timeout=max(TIMEOUT, 15.0))
    except httpx.HTTPError as exc:
        return Check("LLM", False, redact(f"cannot reach {url} ({type(exc).__name__}: {exc}); check "
                                          "HFDAILY_LLM_BASE_URL (or the preset) and the network", secrets))
    said = redact(" ".join(response.text[:200].split()), secrets)
    status = response.status_code
    where = f"model {llm.model!r} at {url}"
    if status in (401, 403):
        return Check("LLM", False, f"{where} refused the key (HTTP {status}): set {key_var}")
    if status == 402:
        return Check("LLM", False, f"{where}: insufficient balance (HTTP 402: {said}); top up the account of {key_var}")
    if status in (400, 404, 422) and _UNKNOWN_MODEL.search(response.text[:2000]):
        models = _models(llm.base_url, headers)
        listed = f"; it serves: {', '.join(models[:40])}" if models else ""
        return Check("LLM", False, f"{where} is unknown there (HTTP {status}: {said}): set HFDAILY_LLM_MODEL{listed}")
    if status >= 400:
        return Check("LLM", False, f"{where} answered HTTP {status}: {said}; check HFDAILY_LLM_MODEL, "
                     "HFDAILY_LLM_BASE_URL and HFDAILY_LLM_THINKING")
    mode = (json.dumps(provider.reasoning(False)) if provider else "no reasoning field: an endpoint hfdaily "
            "has no preset for")
    thinking = "on" if llm.thinking else "off"
    return Check("LLM", True, f"{where} answers ({mode}; analysis thinking {thinking})")


def _models(base_url: str, headers: dict) -> list[str]:
    try:
        data = _get(f"{base_url.rstrip('/')}/models", headers=headers).json().get("data")
        return sorted(str(m["id"]) for m in data if isinstance(m, dict) and "id" in m)
    except (httpx.HTTPError, ValueError, AttributeError, TypeError):
        return []


def _reachable(host: str, port: int = 443) -> bool:
    try:
        with socket.create_connection((host, port), timeout=3.0):
            return True
    except OSError:
        return False


def check_tts(settings: Settings) -> Check:
    from edge_tts.constants import WSS_URL

    engine = settings.tts.engine
    espeak = shutil.which("espeak-ng")
    edge_host = urlsplit(WSS_URL).hostname or "speech.platform.bing.com"
    if engine == "espeak":
        return (Check("TTS", True, f"espeak-ng ({espeak})") if espeak else
                Check("TTS", False, "espeak-ng is not installed: apt-get install espeak-ng (or run with --no-audio)"))
    edge = _reachable(edge_host)
    if edge:
        return Check("TTS", True, f"edge voices reachable ({edge_host})")
    if engine == "auto" and espeak:
        return Check("TTS", True, f"edge voices unreachable; espeak-ng ({espeak}) will speak")
    return Check("TTS", False, f"cannot reach {edge_host}"
                 + ("" if engine == "edge" else " and espeak-ng is not installed")
                 + ": apt-get install espeak-ng, or HFDAILY_TTS_ENGINE=espeak, or run with --no-audio")


def check_font(settings: Settings) -> Check:
    from hfdaily.make.fonts import find_cjk_font

    try:
        font = find_cjk_font(settings.make.font)
    except HfdailyError as exc:
        return Check("CJK font", False, str(exc))
    return Check("CJK font", True, str(font.path))


def check_channels(settings: Settings, send_test: bool) -> list[Check]:
    from hfdaily.deliver.channels import parse_channels

    try:
        channels, _ = parse_channels(reveal(settings.notify.urls), settings.notify.table)
    except HfdailyError as exc:
        return [Check("notify", False, str(exc))]
    if not channels:
        return [Check("notify", True, "no channel configured (nothing is delivered; HFDAILY_NOTIFY or [notify])")]
    checks = []
    for channel in channels:
        try:
            from hfdaily.deliver.notify import plugin_for

            plugin = plugin_for(channel, TIMEOUT)
        except HfdailyError as exc:
            checks.append(Check(f"notify {channel.name}", False, str(exc)))
            continue
        if not send_test:
            checks.append(Check(f"notify {channel.name}", True, f"{plugin.service_name} (parsed; --send-test sends one)"))
            continue
        sent = plugin.notify(title="hfdaily doctor", body="hfdaily doctor: a test message (nothing else was sent).")
        checks.append(Check(f"notify {channel.name}", bool(sent), f"{plugin.service_name}: "
                            + ("test message sent" if sent else "the test message failed: check the channel's URL")))
    return checks


def check_site_url(settings: Settings) -> Check:
    if settings.site.url:
        return Check("site URL", True, f"{settings.site.url} (feeds and podcast link there)")
    return Check("site URL", False, "HFDAILY_SITE_URL is not set: no feeds or podcast are written; set it to where "
                 "OUT is published (e.g. https://you.github.io/hfdaily/)", blocking=False)


def check_out(out: Path) -> Check:
    from hfdaily.archive.lock import LOCK_NAME

    existing = out
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        return Check("OUT", False, f"{existing} is a file where the folder {out} should be")
    if not os.access(existing, os.W_OK | os.X_OK):
        return Check("OUT", False, f"{existing} is not writable: choose --out elsewhere or fix its permissions")
    lock = out / LOCK_NAME
    if lock.is_file():
        try:
            with open(lock, encoding="utf-8") as handle:
                fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return Check("OUT", False, f"{out} is being written by another run now ({lock}); wait for it to finish")
        except OSError as exc:
            if exc.errno not in (errno.EACCES, errno.EPERM):
                raise
            return Check("OUT", False, f"cannot read {lock}: fix its permissions")
    return Check("OUT", True, f"{out} writable, lock free" if out.exists() else f"{out} can be made")


def run_checks(out: Path, config_path: Path | None, send_test: bool) -> list[Check]:
    try:
        settings = load_settings(config_path)
    except HfdailyError as exc:
        return [Check("settings", False, str(exc)), check_out(out)]
    checks = [Check("settings", True, f"valid ({config_path or os.environ.get('HFDAILY_CONFIG', 'hfdaily.toml')} "
                    "and the environment)")]
    with ThreadPoolExecutor(4) as pool:
        network = [pool.submit(fn, settings) for fn in (check_hf, check_arxiv, check_llm, check_tts)]
        checks += [future.result() for future in network]
    checks += [check_font(settings), *check_channels(settings, send_test), check_site_url(settings), check_out(out)]
    return checks
