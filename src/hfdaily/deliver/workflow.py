"""``hfdaily init``: the GitHub Actions workflow that makes, commits, publishes and delivers each day."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined

from hfdaily.archive.record import atomic_write
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


WEEKLY = "0 3 * * 1"  # Monday 11:00 in Beijing, after the morning run: last week's edition
MONTHLY = "0 3 1 * *"  # the 1st, 11:00 in Beijing: last month's


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


def write_workflow(repo: Path, *, morning: str = "30 2 * * 1-5", late: str = "30 8 * * 1-5", python: str = "3.12",
                   force: bool = False, weekly: str = WEEKLY, monthly: str = MONTHLY) -> Path:
    """Write the workflow; an existing one is kept unless ``force`` (a user may have edited it)."""
    if not repo.is_dir():
        raise ConfigError(f"{repo} is not a folder; run hfdaily init inside your repository or pass --repo")
    text = render_workflow(morning, late, python, weekly, monthly)
    path = repo / WORKFLOW
    if path.exists() and not force:
        if path.read_text(encoding="utf-8") == text:
            return path
        raise ConfigError(f"{path} already exists and differs from what hfdaily init writes; "
                          "it was left untouched (use --force to overwrite it)")
    atomic_write(path, text)
    return path
