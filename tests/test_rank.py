"""Similar papers and recommendations on real recorded days, as `hfdaily run --no-llm` leaves them
(English only): the commands, the incremental update, reference files, and the site's parts."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from hfdaily.archive.index import Index
from hfdaily.cli import cli
from hfdaily.rank.recommend import Profile, parse_bibtex, parse_ris, recommend
from hfdaily.rank.vectors import NEIGHBOURS, RANK, UpdateReport, Vectors, listed_between
from hfdaily.testing.days import recorded_dates, write_archive

END = dt.date(2025, 10, 10)
JUDGED = json.loads((Path(__file__).resolve().parents[1] / "bench" / "judged" / "reader_profiles.json").read_text())
AGENTS = next(p for p in JUDGED["profiles"] if p["name"] == "llm-agents")


@pytest.fixture(scope="module")
def archive(tmp_path_factory, fixtures_dir) -> Path:
    out = tmp_path_factory.mktemp("rank")
    days = [d for d in recorded_dates(fixtures_dir) if d <= END][-45:]
    days += [d for d in recorded_dates(fixtures_dir) if dt.date(2025, 8, 1) <= d <= dt.date(2025, 8, 8)]
    write_archive(fixtures_dir, out, sorted(set(days)))
    return out


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_recommend_json_ranks_the_agent_papers_of_the_day_first(archive):
    liked = ",".join(AGENTS["liked"])
    result = run("recommend", "--out", str(archive), "--like", liked, "--json", "--top", "10")
    assert result.exit_code == 0, result.output
    items = json.loads(result.output)
    assert [set(i) >= {"id", "score", "why"} for i in items] == [True] * 10
    assert {i["date"] for i in items} == {str(END)}  # default: the latest day
    hits = [i["id"] for i in items if i["id"] in AGENTS["relevant"]]
    assert len(hits) >= 7, items  # judged by hand: 8 of the day's 38 are agent papers
    assert items[0]["why"].startswith("接近你赞过的：")
    scores = [i["score"] for i in items]
    assert scores == sorted(scores, reverse=True)


def test_a_chinese_term_finds_english_papers(archive):
    result = run("recommend", "--out", str(archive), "--keywords", "智能体", "--json")
    items = json.loads(result.output)
    top = [i for i in items if i["why"].startswith("关注词：智能体")]
    assert len(top) >= 8
    assert items[: len(top)] == top  # matches first
    assert all("agent" in i["title"].lower() or i["why"].lower().endswith("agentic）") or "agent" in i["why"].lower()
               for i in top)


def test_negative_keyword_and_threshold_fold(archive):
    result = run("recommend", "--out", str(archive), "--keywords", "智能体", "--not", "safety", "--json")
    items = json.loads(result.output)
    folded = [i for i in items if i["folded"]]
    assert any(i["id"] == "2510.08240" for i in folded)  # "…Collaborate for Safety"
    assert items[-len(folded):] == folded
    result = run("recommend", "--out", str(archive), "--keywords", "智能体", "--threshold", "0.01", "--json")
    items = json.loads(result.output)
    assert all(i["folded"] == (i["score"] < 0.01) for i in items)


def test_recommend_needs_a_profile_and_known_ids(archive):
    assert run("recommend", "--out", str(archive)).exit_code == 2
    result = run("recommend", "--out", str(archive), "--like", "1234.56789")
    assert result.exit_code == 2 and "not in the archive" in result.output
    assert run("recommend", "--out", str(archive), "--like", "agents").exit_code == 2


def test_similar_across_the_archive_and_within_a_span(archive):
    result = run("similar", "2510.08558", "--out", str(archive), "--json", "--top", "6")
    items = json.loads(result.output)
    assert len(items) == 6 and "2510.08558" not in [i["id"] for i in items]
    assert sum("agent" in i["title"].lower() for i in items) >= 4
    assert any(i["date"] < "2025-09-01" for i in items)  # from the whole archive (Aug 2025 is in it)
    result = run("similar", "2510.08558", "--out", str(archive), "--json", "--from", "2025-10-06", "--to", "2025-10-08")
    assert {i["date"] for i in json.loads(result.output)} <= {"2025-10-06", "2025-10-07", "2025-10-08"}
    assert run("similar", "2510.0855", "--out", str(archive)).exit_code == 2
    assert run("similar", "2510.08558", "--out", str(archive / "nothing")).exit_code == 2


def test_a_new_day_costs_its_own_papers_and_links_as_a_full_computation_would(tmp_path, fixtures_dir):
    days = [d for d in recorded_dates(fixtures_dir) if d <= END][-12:]
    write_archive(fixtures_dir, tmp_path, days[:-1])
    with Index.open(tmp_path, extra=[RANK]) as index:
        index.refresh()
        first = UpdateReport()
        Vectors.update(tmp_path, index, report=first)
        assert first.fitted
        write_archive(fixtures_dir, tmp_path, days[-1:])
        index.refresh()
        second = UpdateReport()
        vectors = Vectors.update(tmp_path, index, report=second)
        new = listed_between(index, days[-1], days[-1])
        assert not second.fitted and second.encoded == len(new)
        assert new <= second.relinked
        stored = vectors.stored_neighbours()
        for pid in vectors.ids:  # the same lists as computing every paper's again
            assert [n.paper_id for n in stored[pid]] == [n.paper_id for n in vectors.similar(pid, NEIGHBOURS)], pid
        third = UpdateReport()
        Vectors.update(tmp_path, index, report=third)
        assert third.encoded == 0 and not third.relinked


BIB = r"""@misc{zhao2025agent,
  title={Agent Learning via {Early} Experience},
  author={Zhao, A. and Li, B.},
  abstract = {Language agents learn from their own experience, web navigation and tool use.},
  year={2025}
}
@article{x, title = "Self-Evolving Web Agents", journal={arXiv}}
"""
RIS = "TY  - JOUR\nTI  - Self-evolving LLM agents for long-horizon tasks\nAB  - Agents that learn on the job.\nER  - \n"


def test_reference_files_parse_and_seed_a_profile(archive, tmp_path):
    entries = parse_bibtex(BIB)
    assert [t for t, _ in entries] == ["Agent Learning via Early Experience", "Self-Evolving Web Agents"]
    assert "tool use" in entries[0][1]
    assert [t for t, _ in parse_ris(RIS)] == ["Self-evolving LLM agents for long-horizon tasks"]
    (tmp_path / "lib.bib").write_text(BIB)
    result = run("recommend", "--out", str(archive), "--bib", str(tmp_path / "lib.bib"), "--json", "--top", "5")
    items = json.loads(result.output)
    assert sum(i["id"] in AGENTS["relevant"] for i in items) >= 4
    (tmp_path / "empty.bib").write_text("nothing here")
    assert run("recommend", "--out", str(archive), "--bib", str(tmp_path / "empty.bib")).exit_code == 2


def test_dislikes_push_papers_down(archive):
    with Index.open(archive, extra=[RANK]) as index:
        vectors = Vectors.update(archive, index)
        day = sorted(listed_between(index, END, END))
        liked = AGENTS["liked"]
        plain = recommend(vectors, Profile(liked=liked), day)
        pushed = recommend(vectors, Profile(liked=liked, disliked=["2510.08529"]), [p for p in day if p != "2510.08529"])
        rank_before = [r.id for r in plain].index("2510.08002")  # a self-evolving agent, like the disliked one
        rank_after = [r.id for r in pushed].index("2510.08002")
        assert rank_after >= rank_before
        assert np.isclose(plain[0].score, max(r.score for r in plain))


def test_a_channel_profile_orders_its_digest_with_a_why(archive, tmp_path):
    from hfdaily.archive.record import load_record, record_path
    from hfdaily.deliver.channels import parse_channels
    from hfdaily.deliver.digest import build_digest, render
    from hfdaily.errors import ConfigError
    from hfdaily.rank.channel import channel_ranking

    (tmp_path / "lab.bib").write_text(BIB)
    channels, _ = parse_channels("", {"top": 5, "lab": {"url": "json://127.0.0.1/x", "like": AGENTS["liked"][:3],
                                                        "bib": str(tmp_path / "lab.bib"), "exclude": ["safety"]},
                                      "all": {"url": "json://127.0.0.1/y"}}, env={})
    lab, everyone = channels
    assert lab.options.profile and not everyone.options.profile
    record = load_record(record_path(archive, END))
    ranking = channel_ranking(archive, record, lab.options, lab.name)
    digest = build_digest(record, lab.options, "markdown", ranking=ranking)
    ids = [i.id for i in digest.items]
    assert len(ids) == 5 and sum(i in AGENTS["relevant"] for i in ids) >= 4
    assert "2510.08240" not in [i.id for i in build_digest(record, lab.options.model_copy(update={"top": 50}), "markdown",
                                                           ranking=ranking).items]  # "…for Safety": excluded
    assert all(i.why for i in digest.items)
    assert "为你推荐：" in render(digest, "markdown") and "为你推荐：" in render(digest, "email")
    assert [i.id for i in build_digest(record, everyone.options, "markdown").items] == [
        e.paper.id for e in sorted(record.papers, key=lambda e: -e.paper.upvotes)[:5]]  # unchanged without a profile
    with pytest.raises(ConfigError, match=r"\[notify.lab\] like: not in the archive"):
        channel_ranking(archive, record, lab.options.model_copy(update={"like": ["2001.00001"]}), lab.name)
    with pytest.raises(ConfigError, match="not arXiv ids"):
        parse_channels("", {"x": {"url": "json://h/x", "like": ["agents"]}}, env={})
