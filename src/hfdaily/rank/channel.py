"""A channel's digest ordered for its reader: the profile of ``[notify.NAME]`` (like, bib, keywords,
exclude, threshold) ranked by the same arithmetic as ``hfdaily recommend``."""

from __future__ import annotations

import logging
from pathlib import Path

from hfdaily.archive.index import Index
from hfdaily.deliver.channels import ChannelOptions
from hfdaily.errors import ConfigError
from hfdaily.models import DayRecord
from hfdaily.rank.recommend import Profile, Recommendation, parse_references, recommend
from hfdaily.rank.vectors import RANK, Vectors

log = logging.getLogger("hfdaily.rank")


def channel_ranking(out: Path, record: DayRecord, options: ChannelOptions, name: str = "notify"
                    ) -> dict[str, Recommendation] | None:
    """Paper id → its recommendation for this channel (the day's papers that are in the archive)."""
    texts = parse_references(Path(options.bib).expanduser()) if options.bib else []
    with Index.open(out, extra=[RANK]) as index:
        index.refresh()  # the whole archive: liked papers come from earlier days (unchanged days cost a stat)
        vectors = Vectors.update(out, index)
        if vectors.model is None:  # a young archive: the channel gets the day in its usual order meanwhile
            log.warning("[notify.%s]: too few papers in the archive to rank for its profile yet", name)
            return None
        unknown = [pid for pid in options.like if pid not in vectors.position]
        if unknown:
            raise ConfigError(f"[notify.{name}] like: not in the archive of {out}: {', '.join(unknown)}")
        liked = list(options.like)
        profile = Profile(liked=liked, keywords=list(options.keywords), negative=list(options.exclude), texts=texts,
                          threshold=options.threshold)
        ids = [e.paper.id for e in record.papers if e.paper.id in vectors.position and e.paper.id not in liked]
        return {r.id: r for r in recommend(vectors, profile, ids)}
