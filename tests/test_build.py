"""Integration tests: build real sites in tmp_path and read what was written."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from html_tools import PageScan
from conftest import REPO, TOPIC, run_cli
from studysite.output import MARKER

SEED_SEQUENCE = ["easy", "easy", "medium", "medium", "medium", "medium", "easy", "medium",
                 "medium", "hard", "medium", "easy", "easy", "hard", "easy"]


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file's bytes and modification time, to prove a folder was not touched."""
    return {p.relative_to(folder).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


def html_files(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


# --- The example site --------------------------------------------------------------------

def test_seed_topic_has_fifteen_cards_in_the_seed_difficulty_order(example_site):
    scan = PageScan((example_site / "neural-networks/vanishing-gradients.html").read_text())
    assert [c["data-difficulty"] for c in scan.cards] == SEED_SEQUENCE
    assert all(c["id"].startswith("q-") for c in scan.cards)
    text = (example_site / "neural-networks/vanishing-gradients.html").read_text()
    assert "15 Essential Q&amp;A" in text
    assert "Quick review checklist" in text
    for tag in ("Vanishing", "Exploding", "ResNet", "Clip"):
        assert f'href="../tags/{tag.lower()}.html" dir="auto">{tag}</a>' in text


def test_every_page_type_is_written_with_its_data_page(example_site):
    expected = {
        "index.html": "home", "checklist.html": "checklist", "tags/index.html": "tags",
        "tags/resnet.html": "tag", "neural-networks/index.html": "category",
        "neural-networks/vanishing-gradients.html": "topic", "404.html": "not-found",
    }
    for path, kind in expected.items():
        assert PageScan((example_site / path).read_text()).body_page == kind, path
    assert (example_site / ".nojekyll").exists()


def test_every_internal_link_and_anchor_resolves(example_site):
    ids = {p: PageScan(p.read_text()).ids for p in html_files(example_site)}
    checked = 0
    for page in html_files(example_site):
        if page.name == "404.html":
            continue  # its links are re-pointed at the site root by script
        for link in PageScan(page.read_text()).links:
            parts = urlsplit(link)
            if parts.scheme or link.startswith("//"):
                continue
            assert not link.startswith("/"), f"{page}: root-absolute link {link} breaks under a sub-path"
            target = page if not parts.path else (page.parent / unquote(parts.path)).resolve()
            assert target.is_file(), f"{page.relative_to(example_site)}: broken link {link}"
            assert example_site.resolve() in target.parents, f"{page}: link {link} leaves the site"
            if parts.fragment and target.suffix == ".html":
                assert parts.fragment in ids[target], f"{page}: missing anchor {link}"
            checked += 1
    assert checked > 200


def test_home_lists_categories_in_order_with_counts(example_site):
    html = (example_site / "index.html").read_text()
    positions = [html.index(f'id="cat-{slug}"') for slug in ("neural-networks", "optimization", "cnns", "python")]
    assert positions == sorted(positions)
    assert "6 Easy" in html and "7 Medium" in html and "2 Hard" in html


def test_checklist_page_links_every_topic(example_site):
    scan = PageScan((example_site / "checklist.html").read_text())
    hrefs = {a["href"] for a in scan.find("a")}
    for topic in ("neural-networks/vanishing-gradients.html", "python/generators.html"):
        assert topic in hrefs


def test_tag_page_lists_questions_of_every_topic_with_the_tag(example_site):
    scan = PageScan((example_site / "tags/resnet.html").read_text())
    hrefs = [a["href"] for a in scan.find("a")]
    seed = [h for h in hrefs if h.startswith("../neural-networks/vanishing-gradients.html#")]
    # The seed topic's questions say which carry ResNet; the others are not listed.
    assert seed == ["../neural-networks/vanishing-gradients.html#q-how-do-residual-connections-improve-gradient-flow",
                    "../neural-networks/vanishing-gradients.html#q-how-do-highway-networks-differ-from-resnets",
                    "../neural-networks/vanishing-gradients.html#q-do-transformers-suffer-from-vanishing-gradients-the-way-rnns-do",
                    "../neural-networks/vanishing-gradients.html#q-what-is-a-one-sentence-fix-menu-for-an-interview"]
    # A tag only in a page's front matter lists the page, not each of its questions.
    assert "../cnns/convolutions.html" in hrefs
    assert not any(h.startswith("../cnns/convolutions.html#") for h in hrefs)


def test_404_page_works_at_any_depth(example_site):
    html = (example_site / "404.html").read_text()
    assert "<style>" in html and 'rel="stylesheet"' not in html
    assert "static/style.css" in html  # the probe that finds the site root


# --- Small sites -------------------------------------------------------------------------

def test_build_prints_a_summary_line(make_site, capsys):
    root = make_site()
    assert run_cli(root, "build") == 0
    out = capsys.readouterr().out.strip()
    assert out.startswith("Built 10 pages (1 topic, 2 questions) in ")
    files = [p for p in (root / "_site").rglob("*") if p.is_file() and p.name != MARKER]
    assert out.endswith(f" s -> {root / '_site'}/ ({len(files)} written, 0 unchanged, 0 removed), no warnings")


def test_second_build_writes_nothing_and_keeps_mtimes(make_site, capsys):
    root = make_site()
    run_cli(root, "build")
    before = snapshot(root / "_site")
    capsys.readouterr()
    assert run_cli(root, "build") == 0
    assert "(0 written," in capsys.readouterr().out
    assert snapshot(root / "_site") == before


def test_removed_topic_disappears_from_the_output(make_site):
    root = make_site({"content/nn/second.md": TOPIC.replace('"Gradients"', '"Second"')})
    run_cli(root, "build")
    assert (root / "_site/nn/second.html").exists()
    (root / "content/nn/second.md").unlink()
    assert run_cli(root, "build") == 0
    assert not (root / "_site/nn/second.html").exists()
    assert (root / "_site/nn/gradients.html").exists()


@pytest.mark.parametrize("breakage, expected", [
    ({"content/nn/gradients.md": TOPIC.replace("[hard]", "[meduim]")},
     "unknown difficulty 'meduim'"),
    ({"content/nn/gradients.md": TOPIC.replace('title: "Gradients"', 'title: "Gradients')},
     "invalid YAML"),
    ({"templates/topic.html": "{% extends 'base.html' %}{% block main %}{% if %}{% endblock %}"},
     "template syntax error"),
])
def test_failed_build_leaves_the_previous_site_exactly_as_it_was(make_site, capsys, breakage, expected):
    root = make_site()
    if any(name.startswith("templates/") for name in breakage):
        import shutil
        shutil.copytree(REPO / "templates", root / "templates")
    assert run_cli(root, "build") == 0
    before = snapshot(root / "_site")
    for name, text in breakage.items():
        (root / name).write_text(text)
    capsys.readouterr()
    assert run_cli(root, "build") == 1
    err = capsys.readouterr().err
    assert expected in err and "nothing was written" in err and "internal error" not in err
    assert snapshot(root / "_site") == before


def test_all_errors_of_a_build_are_reported_together(make_site, capsys):
    root = make_site({
        "content/nn/a.md": TOPIC.replace("[easy]", "[eazy]"),
        "content/nn/b.md": TOPIC.replace("title:", "titel:"),
    })
    assert run_cli(root, "check") == 1
    err = capsys.readouterr().err
    assert "content/nn/a.md:12: unknown difficulty 'eazy'" in err.replace(str(root) + "/", "")
    assert "content/nn/b.md:2: unknown key 'titel' (did you mean 'title'?)" in err.replace(str(root) + "/", "")
    assert "the front matter has no 'title'" not in err  # (one mistake, one message: the typo says it all)
    assert err.rstrip().endswith("2 errors, no warnings; nothing was written.")


def test_template_errors_name_template_file_and_line(make_site, capsys):
    import shutil
    root = make_site()
    shutil.copytree(REPO / "templates", root / "templates")
    path = root / "templates/checklist.html"
    lines = path.read_text().split("\n")
    lines[3] = "<p>{{ no_such_variable }}</p>"
    path.write_text("\n".join(lines))
    assert run_cli(root, "build") == 1
    err = capsys.readouterr().err
    assert f"{path}:4: 'no_such_variable' is undefined (while rendering checklist.html)" in err
    assert not (root / "_site").exists()


def test_output_folder_not_made_by_studysite_is_refused(make_site, capsys):
    root = make_site({"_site/precious.txt": "keep me"})
    assert run_cli(root, "build") == 1
    assert "was not made by studysite" in capsys.readouterr().err
    assert sorted(p.name for p in (root / "_site").iterdir()) == ["precious.txt"]


@pytest.mark.parametrize("output", [".", "content", ".."])
def test_output_folder_holding_sources_is_refused(make_site, capsys, output):
    root = make_site()
    before = snapshot(root)
    assert run_cli(root, "build", "--output", str(root / output)) == 1
    assert "the output folder would overwrite" in capsys.readouterr().err
    assert snapshot(root) == before


def test_marker_file_is_written(make_site):
    root = make_site()
    run_cli(root, "build")
    assert (root / "_site" / MARKER).exists()


def test_urls_are_relative_from_nested_pages(make_site):
    root = make_site()
    run_cli(root, "build")
    html = (root / "_site/nn/gradients.html").read_text()
    assert 'href="../index.html"' in html
    assert 'href="../static/style.css?v=' in html
    assert 'href="/' not in html and 'src="/' not in html


# --- What the review page schedules ------------------------------------------------------

def _script_json(text: str, prefix: str) -> object:
    import json

    assert text.startswith(prefix), text[:80]
    return json.loads(text.removeprefix(prefix).strip().removesuffix(";"))


def test_the_review_index_lists_every_question_by_topic_without_answers(make_site):
    root = make_site({"content/nn/quiz.mcq.md": "---\ntitle: Q\nsummary: s\n---\n\n## Pick one [easy]\n\n- [x] a\n- [ ] b\n",
                      "content/nn/notes.tutorial.md": "---\ntitle: T\nsummary: s\n---\n\nText.\n",
                      "content/nn/untagged.md": "---\ntitle: U\nsummary: s\n---\n\n## Why? [medium]\n\nTags: Own\n\nBecause.\n"})
    assert run_cli(root, "build") == 0
    text = (root / "_site/review-index.js").read_text(encoding="utf-8")
    data = _script_json(text, "window.studysiteReviewIndex = ")
    assert data["fields"] == {"topic": ["url", "title", "category", "tags", "cards", "questions"],
                              "question": ["id", "difficulty", "tags"]}
    assert data["categories"] == {"nn": "Nn"}
    # Question pages only (quizzes and tutorials have no cards to review), in reading order.
    assert data["topics"] == [
        ["nn/gradients.html", "Gradients", "nn", ["Vanishing", "ResNet"], "nn/gradients.cards.js",
         [["q-what-is-the-vanishing-gradient-problem", "easy", []], ["q-what-are-exploding-gradients", "hard", []]]],
        ["nn/untagged.html", "U", "nn", ["Own"], "nn/untagged.cards.js", [["q-why", "medium", ["Own"]]]],
    ]
    assert "Gradients shrink" not in text


def test_a_topics_cards_hold_its_questions_and_answers_safely_in_a_script(make_site):
    root = make_site({"content/nn/tricky.md": "---\ntitle: Tricky </script>\nsummary: s\n---\n\n"
                                              "## What ends a script? [easy]\n\n`</script><script>alert(1)</script>` and ![x](img/x.png)\n",
                      "content/nn/img/x.png": "not really a picture"})
    assert run_cli(root, "build") == 0
    text = (root / "_site/nn/tricky.cards.js").read_text(encoding="utf-8")
    assert "</script" not in text.lower() and "<script" not in text.lower()  # JSON escapes < and >: no way out of a <script>
    data = _script_json(text, '(window.studysiteCards = window.studysiteCards || {})["nn/tricky.html"] = ')
    assert data["title"] == "Tricky </script>"
    [(question_id, title_html, answer_html)] = data["cards"]
    assert question_id == "q-what-ends-a-script" and title_html == "What ends a script?"
    assert "&lt;/script&gt;" in answer_html and 'src="img/x.png"' in answer_html  # relative to the topic's page


def test_the_review_page_and_the_learners_guide_are_part_of_every_site(make_site):
    root = make_site()
    assert run_cli(root, "build") == 0
    review = PageScan((root / "_site/review.html").read_text(encoding="utf-8"))
    assert review.body_page == "review"
    assert "studying.html" in review.links
    guide = (root / "_site/studying.html").read_text(encoding="utf-8")
    assert "<h1>How reviewing works</h1>" in guide and "FSRS-6" in guide and "Export progress" in guide
    for path in ("index.html", "nn/gradients.html", "tags/index.html", "studying.html", "404.html"):
        assert PageScan((root / "_site" / path).read_text(encoding="utf-8")).links.count("review.html") + \
            PageScan((root / "_site" / path).read_text(encoding="utf-8")).links.count("../review.html") >= 1, path
    assert run_cli(root, "check", "--strict") == 0


def test_a_file_named_like_a_topics_cards_is_refused(make_site, capsys):
    root = make_site({"content/nn/gradients.cards.js": "// mine"})
    assert run_cli(root, "build") == 1
    assert "would replace the site's own nn/gradients.cards.js" in capsys.readouterr().err


def test_the_review_index_names_a_tag_as_its_tag_page_does(make_site):
    root = make_site({"content/nn/other.md": "---\ntitle: O\nsummary: s\ntags: [resnet]\n---\n\n## Why? [easy]\n\nTags: vanishing\n\nBecause.\n"})
    assert run_cli(root, "build") == 0
    data = _script_json((root / "_site/review-index.js").read_text(encoding="utf-8"), "window.studysiteReviewIndex = ")
    other = next(topic for topic in data["topics"] if topic[0] == "nn/other.html")
    tag_pages = {path.stem for path in (root / "_site/tags").glob("*.html")} - {"index"}
    assert other[3] == ["ResNet", "Vanishing"] and other[5][0][2] == ["Vanishing"], other  # as "Gradients" spells them
    assert tag_pages == {"resnet", "vanishing"}


# --- Search engines and link previews (issue 16) ------------------------------------------

def test_with_site_url_a_sitemap_robots_and_canonical_links_are_written(make_site, tmp_path, capsys):
    import xml.etree.ElementTree as ET

    root = make_site({"site.yml": 'title: Notes\ndescription: "All of it."\nsite_url: "https://me.github.io/notes"\n'})
    assert run_cli(root, "build") == 0
    site = root / "_site"
    sitemap = (site / "sitemap.xml").read_bytes()
    locs = [el.text for el in ET.fromstring(sitemap).iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))
    listed = sorted(loc.removeprefix("https://me.github.io/notes/") or "index.html" for loc in locs)
    assert sorted(p if not p.endswith("/") else p + "index.html" for p in listed) == \
        sorted(set(pages) - {"404.html", "review.html"})  # every page but the error page and the learner's own
    assert "https://me.github.io/notes/" in locs and "https://me.github.io/notes/nn/" in locs  # folders as folders
    assert (site / "robots.txt").read_text() == "User-agent: *\nAllow: /\nSitemap: https://me.github.io/notes/sitemap.xml\n"
    topic = (site / "nn/gradients.html").read_text()
    assert '<link rel="canonical" href="https://me.github.io/notes/nn/gradients.html">' in topic
    assert '<meta property="og:title" content="Gradients">' in topic
    assert '<meta property="og:description" content="How gradients flow.">' in topic
    assert '<meta property="og:description" content="All of it.">' in (site / "index.html").read_text()
    assert run_cli(root, "check", "--strict") == 0
    assert "site_url" not in capsys.readouterr().err
    assert "canonical" not in (site / "404.html").read_text()  # served at any missing address
    # The same content gives the same sitemap, byte for byte.
    assert run_cli(root, "build", "--output", str(tmp_path / "again")) == 0
    assert (tmp_path / "again/sitemap.xml").read_bytes() == sitemap
    assert run_cli(root, "check", "--strict") == 0


ATOM = "{http://www.w3.org/2005/Atom}"


def test_a_feed_lists_the_newest_dated_questions(make_site, tmp_path):
    import xml.etree.ElementTree as ET

    dated = TOPIC.replace('title: "Gradients"', 'title: "Gradients"\ndate: 2026-11-02')
    newer = ("---\ntitle: Newer\ndate: 2026-12-01\n---\n\n## Why <b>bold</b> & more? [hard]\n\nTags: A & B\n\n"
             "See [the other](gradients.md) and ![x](img/p.png).\n")
    undated = "---\ntitle: Undated\n---\n\n## Never in the feed? [easy]\n\nNo.\n"
    root = make_site({"site.yml": 'title: "Notes & More"\nsite_url: "https://me.github.io/notes/"\nfeed: 2\n',
                      "content/nn/gradients.md": dated, "content/nn/newer.md": newer, "content/nn/undated.md": undated,
                      "content/nn/img/p.png": "not really a png"})
    assert run_cli(root, "build") == 0
    site = root / "_site"
    feed = ET.fromstring((site / "feed.xml").read_bytes())
    assert feed.find(f"{ATOM}title").text == "Notes & More: new questions"
    assert feed.find(f"{ATOM}id").text == "https://me.github.io/notes/feed.xml"
    assert feed.find(f"{ATOM}updated").text == "2026-12-01T00:00:00Z" and feed.find(f"{ATOM}author/{ATOM}name").text
    entries = feed.findall(f"{ATOM}entry")
    assert [e.find(f"{ATOM}title").text for e in entries] == ["Why bold & more?", "What is the vanishing gradient problem?"]
    first = entries[0]
    assert first.find(f"{ATOM}id").text == first.find(f"{ATOM}link").get("href")
    assert first.find(f"{ATOM}id").text.startswith("https://me.github.io/notes/nn/newer.html#q-why-")
    assert [c.get("term") for c in first.findall(f"{ATOM}category")] == ["hard", "A & B"]
    content = first.find(f"{ATOM}content")
    assert content.get("type") == "html" and content.get("{http://www.w3.org/XML/1998/namespace}base") == \
        "https://me.github.io/notes/nn/newer.html"
    assert '<a href="gradients.html">the other</a>' in content.text and 'src="img/p.png"' in content.text
    assert entries[1].find(f"{ATOM}updated").text == "2026-11-02T00:00:00Z"
    assert '<link rel="alternate" type="application/atom+xml" title="Notes &amp; More: new questions" href="../feed.xml">' \
        in (site / "nn/gradients.html").read_text()
    assert run_cli(root, "build", "--output", str(tmp_path / "again")) == 0
    assert (tmp_path / "again/feed.xml").read_bytes() == (site / "feed.xml").read_bytes()


def test_no_feed_unless_asked_and_never_without_site_url(make_site, capsys):
    root = make_site({"site.yml": 'title: Notes\nsite_url: "https://example.org/"\n'})
    assert run_cli(root, "build") == 0
    assert not (root / "_site/feed.xml").exists() and "atom" not in (root / "_site/index.html").read_text()
    root = make_site({"site.yml": 'title: Notes\nfeed: true\n'})
    assert run_cli(root, "build") == 1
    assert "site.yml:2: 'feed' needs site_url" in capsys.readouterr().err
    root = make_site({"site.yml": 'title: Notes\nsite_url: "https://example.org/"\nfeed: lots\n'})
    assert run_cli(root, "build") == 1
    assert "site.yml:3: 'feed' must be true, false or a number" in capsys.readouterr().err


def test_a_page_date_must_be_a_day(make_site, capsys):
    root = make_site({"content/nn/gradients.md": TOPIC.replace('title: "Gradients"', 'title: "Gradients"\ndate: next week')})
    assert run_cli(root, "build") == 1
    assert "gradients.md:3: 'date' must be a day written as YYYY-MM-DD, not 'next week'" in capsys.readouterr().err


def test_a_social_image_makes_large_link_previews(make_site, capsys):
    root = make_site({"site.yml": 'title: Notes\nsite_url: "https://example.org/n/"\nsocial_image: card.png\n',
                      "static/card.png": "png"})
    assert run_cli(root, "build") == 0
    page = (root / "_site/nn/gradients.html").read_text()
    assert '<meta property="og:image" content="https://example.org/n/static/card.png">' in page
    assert '<meta name="twitter:card" content="summary_large_image">' in page
    root = make_site({"site.yml": 'title: Notes\nsite_url: "https://example.org/n/"\nsocial_image: card.svg\n'})
    assert run_cli(root, "build") == 1
    assert "'social_image' item 'card.svg' is not a .png or .jpg or .jpeg or .webp or .gif file" in capsys.readouterr().err
    root = make_site({"site.yml": 'title: Notes\nsite_url: "https://example.org/n/"\nsocial_image: kard.png\n'})
    assert run_cli(root, "build") == 1
    assert "'social_image' names static/kard.png, which does not exist" in capsys.readouterr().err


def test_without_site_url_no_sitemap_and_a_sites_own_robots_txt_wins(make_site, capsys):
    root = make_site()
    assert run_cli(root, "build") == 0
    assert run_cli(root, "check", "--strict") == 0  # a note says why, not a warning
    assert "site.yml has no site_url, so the site has no sitemap.xml" in capsys.readouterr().err
    assert not (root / "_site/sitemap.xml").exists() and not (root / "_site/robots.txt").exists()
    assert "canonical" not in (root / "_site/nn/gradients.html").read_text()
    root = make_site({"site.yml": 'title: Notes\nsite_url: "https://example.org/"\n', "public/robots.txt": "User-agent: *\nDisallow: /\n"})
    assert run_cli(root, "build") == 0
    assert (root / "_site/robots.txt").read_text() == "User-agent: *\nDisallow: /\n"
    assert (root / "_site/sitemap.xml").exists()


# --- Counts that agree (issue 17) ------------------------------------------------------------------

def test_counts_keep_questions_and_quiz_questions_apart_and_agree_with_progress(make_site):
    one = "---\ntitle: One\n---\n\n## Only one? [easy]\n\nYes.\n"
    quiz = "---\ntitle: Q\n---\n\n## Which? [easy]\n\n- [x] a\n- [ ] b\n"
    tutorial = "---\ntitle: Guide\n---\n\n## A section\n\nText.\n"
    root = make_site({"content/nn/one.md": one, "content/nn/gradients.mcq.md": quiz, "content/nn/guide.tutorial.md": tutorial})
    assert run_cli(root, "build") == 0
    site = root / "_site"
    home = (site / "index.html").read_text()
    assert "3 subjects · 3 questions · 1 quiz question ·" in home  # (progress counts the 3, not 4)
    assert "0 of 3 questions known" in home
    assert "3 subjects · 3 questions · 1 quiz question</p>" in (site / "nn/index.html").read_text()
    not_found = (site / "404.html").read_text()
    assert ">Guide</a> <span class=\"muted\">Tutorial</span>" in not_found and "0 questions" not in not_found
    assert ">One</a> <span class=\"muted\">Q&amp;A · 1 question</span>" in not_found
    (root / "content/nn/gradients.md").unlink()
    (root / "content/nn/gradients.mcq.md").unlink()
    assert run_cli(root, "build") == 0
    assert "0 of 1 question known" in (site / "index.html").read_text()


def test_a_question_sheet_leaves_more_lines_to_write_on_for_a_longer_answer(make_site):
    # One ruled line per 30 words of the answer, 3 to 8, decided when the page is built (print.js used
    # to count the words of every answer while the page started).
    answers = {"short": 10, "ninety": 90, "one-fifty": 150, "two-ten": 210, "long": 400}
    body = "".join(f"## How long is {name}? [easy]\n\n{' '.join(['word'] * words)}\n\n" for name, words in answers.items())
    root = make_site({"content/nn/lengths.md": "---\ntitle: Lengths\nsummary: s\n---\n\n" + body})
    assert run_cli(root, "build") == 0
    html = (root / "_site/nn/lengths.html").read_text(encoding="utf-8")
    lines = {card["id"].removeprefix("q-how-long-is-"): card["data-write-lines"] for card in PageScan(html).cards}
    assert lines == {"short": "3", "ninety": "3", "one-fifty": "5", "two-ten": "7", "long": "8"}
