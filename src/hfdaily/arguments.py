"""What every command spells the same: the default output folder and the ``--date`` arguments.

Kept at the bottom floor so the commands of every stage (``deliver``, ``publish``, the steps) share
them without importing one another.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import click

DEFAULT_OUT = Path("hfdaily-out")


def today() -> dt.date:
    """HF's day turns over for Chinese readers in Beijing time."""
    return dt.datetime.now(ZoneInfo("Asia/Shanghai")).date()


def parse_date(ctx: click.Context, param: click.Parameter, value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date; use YYYY-MM-DD, e.g. 2026-01-20") from None


def parse_day(ctx: click.Context, param: click.Parameter, value: str | None) -> dt.date:
    """``parse_date`` for a ``--date`` that defaults to today."""
    return parse_date(ctx, param, value) or today()
