"""Refill the store's LLM cache from the durable record, after the database was lost.

A lost database never costs a day's work twice (the pipeline reuses what ``data/DATE.json``
holds), but a paper listed again on another day would be translated again; this puts every
recorded translation back into the cache under the key the pipeline would ask with.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from hfdaily.archive.store import Store, cache_key
from hfdaily.enrich import translate
from hfdaily.models import DayRecord


def rebuild_cache(store: Store, records: Iterable[DayRecord], glossary: Mapping[str, str] | None = None) -> int:
    """``glossary``: the user's ``[glossary]`` terms, part of the translation prompt and so of its key."""
    restored = 0
    for record in records:
        for entry in record.papers:
            if entry.translation is None or not entry.translation_model:
                continue
            model, _, version = entry.translation_model.rpartition("/")  # model names may hold "/"
            if version != translate.PROMPT_VERSION:
                continue  # written by another prompt: the pipeline would not ask with this key
            key = cache_key(translate.TASK, model, version, translate.messages(entry.paper, glossary))
            store.cache_response(key, translate.TASK, model, version, entry.translation.model_dump_json())
            restored += 1
    return restored
