"""The day record is the truth: versioned, upgraded, never loses what it does not know, loud when damaged."""

from __future__ import annotations

import json

import pytest
from recorded import load_fixture_day, seed_day_zh

from hfdaily.archive.record import (
    iter_records,
    load_record,
    merge,
    record_path,
    save_record,
)
from hfdaily.errors import RecordError
from hfdaily.fields import classify
from hfdaily.models import RECORD_VERSION, Translation

DAY = "2026-01-21"


def test_saved_records_carry_their_version(fixtures_dir, tmp_path):
    record = load_fixture_day(fixtures_dir, DAY)
    data = json.loads(save_record(tmp_path, record).read_text(encoding="utf-8"))
    assert data["schema_version"] == RECORD_VERSION
    assert load_record(record_path(tmp_path, record.date)).model_dump() == record.model_dump()


def test_fields_a_newer_version_wrote_survive_an_older_versions_save(fixtures_dir, seeds_dir, tmp_path):
    record = seed_day_zh(fixtures_dir, seeds_dir)
    path = save_record(tmp_path, record)
    data = json.loads(path.read_text(encoding="utf-8"))
    data["schema_version"] = RECORD_VERSION + 1
    data["site"] = {"pinned": True}
    first, second = data["papers"][0], data["papers"][1]
    first["audio_clip"] = "clips/1.mp3"
    first["paper"]["venue"] = "ICLR"
    second["translation"]["title_en_short"] = "short"
    analysed = next(e for e in data["papers"] if "analysis" in e)
    analysed["analysis"]["guide"]["licence"] = "MIT"
    analysed["analysis"]["innovations"][0]["figure"] = 3
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")

    loaded = load_record(path)
    # a fresh fetch lists the papers in another order and drops the first one
    papers = [e.paper for e in loaded.papers][1:][::-1]
    merged, _ = merge(loaded, loaded.date, papers)
    merged.papers[-1].translation = Translation(title_zh="新标题", summary_zh="新摘要")
    save_record(tmp_path, merged)

    again = json.loads(path.read_text(encoding="utf-8"))
    assert again["schema_version"] == RECORD_VERSION + 1
    assert again["site"] == {"pinned": True}
    by_id = {e["paper"]["id"]: e for e in again["papers"]}
    assert by_id[first["paper"]["id"]]["audio_clip"] == "clips/1.mp3"
    assert by_id[first["paper"]["id"]]["paper"]["venue"] == "ICLR"
    assert by_id[second["paper"]["id"]]["translation"]["title_en_short"] == "short"
    kept = by_id[analysed["paper"]["id"]]["analysis"]
    assert kept["guide"]["licence"] == "MIT" and kept["innovations"][0]["figure"] == 3
    assert load_record(path).model_dump() == merged.model_dump()  # and what this version knows is what it saved


def test_a_record_from_before_versions_is_upgraded(fixtures_dir, tmp_path):
    record = load_fixture_day(fixtures_dir, DAY)
    path = save_record(tmp_path, record)
    data = json.loads(path.read_text(encoding="utf-8"))
    del data["schema_version"]
    for entry in data["papers"]:
        del entry["fields"]
    path.write_text(json.dumps(data), encoding="utf-8")

    upgraded = load_record(path)
    assert upgraded.schema_version == RECORD_VERSION
    assert [e.fields for e in upgraded.papers] == [classify(e) for e in record.papers]
    assert any(e.fields for e in upgraded.papers)


@pytest.mark.parametrize("content, says", [
    ("{not json", "not valid JSON"),
    ("[]", "JSON object"),
    ('{"schema_version": 1, "date": "2026-01-21", "papers": [{"paper": {"id": "x"}}]}', "papers.0.paper"),
    ('{"schema_version": "one", "date": "2026-01-21"}', "schema_version"),
    (b"\xff\xfe", "not valid JSON"),
])
def test_a_damaged_record_is_an_error_naming_the_file(tmp_path, content, says):
    path = tmp_path / "data" / f"{DAY}.json"
    path.parent.mkdir()
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    with pytest.raises(RecordError, match=str(path)) as raised:
        load_record(path)
    assert says in str(raised.value)
    with pytest.raises(RecordError, match=str(path)):  # the archive never skips it in silence
        list(iter_records(tmp_path))


def test_merge_keeps_papers_no_longer_listed_and_their_work(fixtures_dir, seeds_dir):
    record = seed_day_zh(fixtures_dir, seeds_dir)
    listed = [e.paper for e in record.papers]
    refreshed = [p.model_copy(update={"upvotes": p.upvotes + 7}) for p in listed[1:]]
    merged, new = merge(record, record.date, refreshed)
    assert new == []
    assert [e.paper.id for e in merged.papers] == [p.id for p in listed[1:]] + [listed[0].id]
    assert merged.papers[-1].translation == record.papers[0].translation  # work kept
    assert merged.papers[0].paper.upvotes == listed[1].upvotes + 7  # metadata refreshed
    assert merged.papers[0].translation == record.papers[1].translation


def test_written_files_are_readable_as_the_umask_allows(tmp_path):
    """A web server running as another user must be able to read index.html (mkstemp makes 0600)."""
    import os
    import stat

    from hfdaily.fileio import atomic_write

    umask = os.umask(0o022)
    os.umask(umask)
    atomic_write(tmp_path / "index.html", "<p>页面</p>")
    assert stat.S_IMODE((tmp_path / "index.html").stat().st_mode) == 0o666 & ~umask
