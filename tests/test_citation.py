"""One-click citation: one generator of BibTeX and RIS, the files the site offers, the Highwire tags."""

from __future__ import annotations

import datetime as dt

import pytest
from selectolax.lexbor import LexborHTMLParser as HTMLParser
from sitebuild import SEED_DAY, demo_site

from hfdaily.archive.record import load_record, record_path
from hfdaily.publish.citation import bibtex, highwire, ris


@pytest.fixture(scope="module")
def demo(tmp_path_factory, fixtures_dir, seeds_dir):
    out, _ = demo_site(tmp_path_factory.getbasetemp(), fixtures_dir, seeds_dir)
    return out


def _paper(out, day=SEED_DAY, paper_id="2601.10387"):
    record = load_record(record_path(out, day))
    return next(e for e in record.papers if e.paper.id == paper_id)


def test_ris_record_of_a_real_paper(demo):
    paper = _paper(demo).paper
    text = ris(paper)
    lines = text.split("\r\n")
    assert lines[0] == "TY  - GEN" and lines[-2] == "ER  - " and lines[-1] == ""
    tags = [(line[:2], line[6:]) for line in lines if line]
    assert all(line[2:6] == "  - " for line in lines if line)  # RIS: tag, two spaces, dash, space
    assert [v for t, v in tags if t == "AU"] == paper.authors
    assert ("TI", paper.title) in tags and ("DO", "10.48550/arXiv.2601.10387") in tags
    assert ("L1", "https://arxiv.org/pdf/2601.10387") in tags
    assert ("DA", paper.published_at.strftime("%Y/%m/%d")) in tags
    assert dict(tags)["AB"] == " ".join(paper.summary.split())


def test_bibtex_key_falls_back_to_the_id_without_a_latin_name(demo):
    paper = _paper(demo).paper.model_copy(update={"authors": ["张三"], "title": "{Braces} in a title"})
    text = bibtex(paper)
    assert text.startswith("@misc{arxiv260110387,") and "title={(Braces) in a title}" in text


def test_site_offers_the_same_bibtex_and_ris_files(demo):
    site = demo / "site"
    for entry in load_record(record_path(demo, SEED_DAY)).papers:
        assert (site / "papers" / f"{entry.paper.id}.bib").read_text(encoding="utf-8") == bibtex(entry.paper) + "\n"
        assert (site / "papers" / f"{entry.paper.id}.ris").read_bytes() == ris(entry.paper).encode()
    page = HTMLParser((site / "papers" / "2601.10387.html").read_text(encoding="utf-8"))
    assert [a.attributes["href"] for a in page.css("a[download]")] == ["2601.10387.bib", "2601.10387.ris"]
    day = HTMLParser((site / "days" / f"{SEED_DAY}.html").read_text(encoding="utf-8"))
    card = day.css_first('article[id="2601.10387"]')
    # the day card's copy button carries the generator's text: no second generator in JavaScript
    assert card.css_first("button.copy-bib").attributes["data-bibtex"] == bibtex(_paper(demo).paper)
    assert "bibtexOf" not in (site / "static" / "site.js").read_text(encoding="utf-8")


def test_highwire_tags_in_the_page_head(demo):
    entry = _paper(demo)
    page = HTMLParser((demo / "site" / "papers" / "2601.10387.html").read_text(encoding="utf-8"))
    tags = [(m.attributes["name"], m.attributes["content"]) for m in page.css("head meta[name^=citation_]")]
    assert tags == highwire(entry.paper)
    assert [v for n, v in tags if n == "citation_author"] == entry.paper.authors
    assert dt.datetime.strptime(dict(tags)["citation_date"], "%Y/%m/%d").date() == entry.paper.published_at.date()
