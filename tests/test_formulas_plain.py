"""No raw TeX where a formula cannot be drawn: data-title attributes, chat digests, and feed entries, on
recorded days whose real titles carry TeX — the title HF's day list gives beside the paper (2024-06-18
"$L_2$ Norm", 2024-06-21 "$\\nabla^2$DFT", "$τ$-bench"; the paper's own title has it stripped) — and
whose abstracts do (2024-10-17 "\\( O(n^3) \\)")."""

from __future__ import annotations

import html
import json
import re
import xml.etree.ElementTree as ET

import pytest
from recorded import load_fixture_day

from hfdaily.deliver.channels import ChannelOptions
from hfdaily.deliver.digest import build_digest, render
from hfdaily.make.formulas import to_plain
from hfdaily.publish import feeds, pages

RAW_TEX = re.compile(r"\$|\\\(|\\\[|\\[A-Za-z]+")  # a dollar, a TeX delimiter or a command
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def tex_days(fixtures_dir):
    days = [load_fixture_day(fixtures_dir, d) for d in ("2024-06-18", "2024-06-21", "2024-10-17")]
    for record in days[:2]:  # the titles as HF's list writes them, TeX and all
        listed = json.loads((fixtures_dir / "hf_daily_papers" / f"{record.date}.json").read_text(encoding="utf-8"))
        titles = {item["paper"]["id"]: item["title"] for item in listed}
        for entry in record.papers:
            entry.paper = entry.paper.model_copy(update={"title": titles[entry.paper.id]})
    titles = [e.paper.title for r in days for e in r.papers]
    assert any("$L_2$" in t for t in titles) and any("$\\nabla^2$DFT" in t for t in titles)
    assert any("\\(" in e.paper.summary for e in days[2].papers)
    return days


def test_the_recorded_tex_titles_become_their_characters():
    assert to_plain("A Simple and Effective $L_2$ Norm-Based Strategy") == "A Simple and Effective L2 Norm-Based Strategy"
    assert to_plain("$\\nabla^2$DFT: A Universal Quantum Chemistry Dataset").startswith("∇2DFT:")  # glued to a word
    assert to_plain("$τ$-bench") == "τ-bench"
    assert to_plain("costs $5 and $10 each") == "costs $5 and $10 each"  # money stays money


@pytest.mark.parametrize("kind", ["markdown", "text"])
def test_chat_digests_send_a_formula_as_its_characters(tex_days, kind):
    for record in tex_days[:2]:
        for entry in record.papers:  # the contribution line holds the abstract's TeX too
            entry.paper.ai_summary = None
        body = render(build_digest(record, ChannelOptions(top=100), kind), kind)
        assert not RAW_TEX.search(body.replace("$5", "")), re.findall(r".{20}(?:\$|\\[A-Za-z(\[]).{20}", body)
    body = render(build_digest(tex_days[1], ChannelOptions(top=100), kind), kind)
    assert "∇2DFT" in body and "τ-bench" in body


def test_feed_entries_carry_no_raw_tex(tex_days):
    xml = feeds.day_feed(tex_days, "https://example.org/hf/")
    root = ET.fromstring(xml)
    for entry in root.iter(f"{ATOM}entry"):
        assert not RAW_TEX.search(entry.findtext(f"{ATOM}title")), entry.findtext(f"{ATOM}title")
        assert not RAW_TEX.search(entry.findtext(f"{ATOM}summary"))
        content = entry.findtext(f"{ATOM}content")  # HTML: formulas as MathML
        text = html.unescape(re.sub(r"<[^>]+>", "", content))
        assert not RAW_TEX.search(text), re.findall(r".{30}(?:\$|\\[A-Za-z(\[]).{30}", text)
    contents = "".join(e.findtext(f"{ATOM}content") for e in root.iter(f"{ATOM}entry"))
    assert "<math" in contents and "∇2DFT" in html.unescape(re.sub(r"<[^>]+>", "", contents))
    field = feeds.field_feed("测试", [(r.date, e) for r in tex_days[:2] for e in r.papers], "https://example.org/hf/")
    titles = [e.findtext(f"{ATOM}title") for e in ET.fromstring(field).iter(f"{ATOM}entry")]
    assert "A Simple and Effective L2 Norm-Based Strategy for KV Cache Compression" in titles
    assert not any(RAW_TEX.search(t) for t in titles)


def test_data_attributes_hold_no_raw_tex(tex_days):
    """(The cards' data-title went when the BibTeX moved server side; no data-* attribute may carry TeX,
    except data-bibtex: BibTeX is TeX, and keeps the title's $L_2$ as written.)"""
    site = pages.SiteContext(site_url="", github_url="", feeds=False, asset_version="t", org_slugs={})
    for record in tex_days[:2]:
        html = pages.day_page(site, record, None, None, pages.DayAssets(images={}))
        values = [v for name, v in re.findall(r' (data-[\w-]+)="([^"]*)"', html) if name != "data-bibtex"]
        assert values
        assert not any(RAW_TEX.search(v) for v in values), [v for v in values if RAW_TEX.search(v)]


def test_the_email_draws_formulas_as_mathml(tex_days):
    body = render(build_digest(tex_days[1], ChannelOptions(), "email"), "email")
    text = html.unescape(re.sub(r"<[^>]+>", "", body.split("<body", 1)[1]))
    assert "<math" in body and "∇2DFT" in text and "τ-bench" in text
    assert not re.search(r"\$|\\[A-Za-z]", text), re.findall(r".{20}(?:\$|\\[A-Za-z]).{20}", text)
