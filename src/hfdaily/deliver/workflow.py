"""``hfdaily init``: the GitHub Actions workflow that makes, commits, publishes and delivers each day."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined

from hfdaily.fileio import atomic_write
from hfdaily.errors import ConfigError

WORKFLOW = Path(".github/workflows/hfdaily.yml")
_CRON_FIELD = re.compile(r"^[\d*/,\-]+$")
BEIJING = dt.timedelta(hours=8)


def _check_cron(name: str, cron: str) -> str:
    fields = cron.split()
    if len(fields) != 5 or not all(_CRON_FIELD.match(f) for f in fields):
        raise ConfigError(f"--{name} {cron!r} is not a cron schedule: five fields, minute hour day month weekday "
                          "(UTC), e.g. '30 2 * * 1-5'")
    return " ".join(fields)


def _in_beijing(cron: str) -> str:
    minute, hour = cron.split()[:2]
    if not (minute.isdigit() and hour.isdigit()):
        return "see the cron"
    at = dt.datetime(2026, 1, 5, int(hour), int(minute)) + BEIJING
    return at.strftime("%H:%M")


# What earlier versions of `hfdaily init` wrote, by fingerprint (``_fingerprint``: the text with its
# schedules and Python version blanked). A workflow matching one was not edited by its user, so
# `hfdaily init` brings it up to date by itself, keeping its schedules and Python version.
EARLIER = frozenset({
    "e27d4bc57788f42f",  # the first: delivery, `--strict` always
    "8fd341d68fda04b6",  # `--strict` where the installed hfdaily has it (no HFDAILY_FEED_DAYS)
    "8978ab9959d79b9c",  # `hfdaily doctor` checks the setup first (no editions yet)
    "6b2b4ae76192720a",  # the weekly and monthly editions' schedules (no HFDAILY_FEED_DAYS)
})
WEEKLY = "0 3 * * 1"  # Monday 11:00 in Beijing, after the morning run: last week's edition
MONTHLY = "0 3 1 * *"  # the 1st, 11:00 in Beijing: last month's
_CRON_LINE = re.compile(r'(- cron: )"([^"]*)"(  #[^(\n]*)\(([^)\n]*) in Beijing\)')
_EDITION_CRON_LINE = re.compile(r'(- cron: )"([^"]*)"(  # last (week|month)\'s edition)[^\n]*')
_EDITION_CASE = re.compile(r'"[^"\n]*"(\) EDITION=(?:weekly|monthly) ;;)')  # the run step tells them by cron
_PYTHON_LINE = re.compile(r'(python-version: )"([^"]*)"')


def _fingerprint(text: str) -> str:
    blank = _CRON_LINE.sub(r'\1""\3()', text)
    blank = _PYTHON_LINE.sub(r'\1""', _EDITION_CRON_LINE.sub(r'\1""\3', _EDITION_CASE.sub(r'""\1', blank)))
    return hashlib.sha256(blank.encode("utf-8")).hexdigest()[:16]


def _options_of(text: str) -> dict[str, str]:
    """The schedules and Python version a workflow written by `hfdaily init` was made with."""
    crons = [m.group(2) for m in _CRON_LINE.finditer(text)]
    python = _PYTHON_LINE.search(text)
    options = dict(zip(("morning", "late"), crons))
    options |= {f"{m.group(4)}ly": m.group(2) for m in _EDITION_CRON_LINE.finditer(text)}
    if python:
        options["python"] = python.group(2)
    return options


def render_workflow(morning: str = "30 2 * * 1-5", late: str = "30 8 * * 1-5", python: str = "3.12",
                    weekly: str = WEEKLY, monthly: str = MONTHLY) -> str:
    morning, late = _check_cron("morning", morning), _check_cron("late", late)
    weekly, monthly = _check_cron("weekly", weekly), _check_cron("monthly", monthly)
    if len({morning, late, weekly, monthly}) < 4:  # the run tells them apart by their cron
        raise ConfigError("--morning, --late, --weekly and --monthly must be four different schedules")
    if not re.fullmatch(r"3\.\d{1,2}", python):
        raise ConfigError(f"--python {python!r}: give a Python version such as 3.12")
    # [[ ]] and [% %]: the workflow is full of GitHub's own ${{ }} expressions.
    env = Environment(loader=PackageLoader("hfdaily", "templates/deliver"), undefined=StrictUndefined,
                      variable_start_string="[[", variable_end_string="]]", block_start_string="[%",
                      block_end_string="%]", keep_trailing_newline=True)
    return env.get_template("workflow.yml.j2").render(morning=morning, late=late, python=python,
                                                      morning_beijing=_in_beijing(morning),
                                                      late_beijing=_in_beijing(late), weekly=weekly, monthly=monthly,
                                                      weekly_beijing=_in_beijing(weekly),
                                                      monthly_beijing=_in_beijing(monthly))


def write_workflow(repo: Path, *, morning: str | None = None, late: str | None = None, python: str | None = None,
                   force: bool = False, weekly: str | None = None, monthly: str | None = None) -> tuple[Path, str]:
    """Write the workflow: (its path, "written" / "upgraded" / "unchanged"). An existing one is kept
    unless ``force`` (a user may have edited it), except one an earlier `hfdaily init` wrote and nobody
    edited: that one is upgraded, keeping its schedules and Python version unless new ones are given."""
    if not repo.is_dir():
        raise ConfigError(f"{repo} is not a folder; run hfdaily init inside your repository or pass --repo")
    path = repo / WORKFLOW
    old = path.read_text(encoding="utf-8", errors="replace") if path.is_file() else None
    ours = old is not None and _fingerprint(old) in EARLIER | {_fingerprint(render_workflow())}
    given = {k: v for k, v in {"morning": morning, "late": late, "python": python, "weekly": weekly,
                               "monthly": monthly}.items() if v is not None}
    text = render_workflow(**({**_options_of(old), **given} if ours else given))
    if old == text:
        return path, "unchanged"
    if old is not None and not (force or ours):
        raise ConfigError(f"{path} already exists and differs from what hfdaily init writes; "
                          "it was left untouched (use --force to overwrite it)")
    atomic_write(path, text)
    return path, "upgraded" if old is not None else "written"
