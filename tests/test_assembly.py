"""Whole content trees: categories, pages, tags and every error of a tree, collected together."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import load_site
from page_tools import NO_DIFFICULTY_HINT, page_with_front_matter, parse, src

from studysite.assembly import collect_tags
from studysite.errors import BuildFailed
from studysite.model import Category

# --- Whole content trees ----------------------------------------------------------------

def topic(title: str, *front: str, tags: str = "") -> str:
    lines = ["---", f'title: "{title}"', *front]
    if tags:
        lines.append(f"tags: [{tags}]")
    return src(*lines, "---", f"## What is {title}? [easy]", "Answer.")


@pytest.fixture
def content(make_site, monkeypatch):
    """content(files) -> the content folder of a project; the project is the working directory
    so error paths read 'content/...'."""
    def make(files: dict[str, str]) -> Path:
        root = make_site(files, with_default=False)
        (root / "content").mkdir(exist_ok=True)
        monkeypatch.chdir(root)
        return root / "content"
    return make


def failures(content_dir: Path) -> list[str]:
    with pytest.raises(BuildFailed) as info:
        load_site(content_dir)
    return [str(error) for error in info.value.errors]


def test_categories_ordered_by_order_then_title(content):
    site = load_site(content({
        "content/zeta/_category.yml": "order: 2\n",
        "content/zeta/a.md": topic("Z"),
        "content/alpha/_category.yml": "order: 1\ndescription: First things.\n",
        "content/alpha/a.md": topic("A"),
        "content/mid-point/a.md": topic("M"),
        "content/beta/_category.yml": 'title: "aardvark"\n',
        "content/beta/a.md": topic("B"),
    }))
    assert [(c.slug, c.title, c.order) for c in site.categories] == [
        ("alpha", "Alpha", 1), ("zeta", "Zeta", 2), ("beta", "aardvark", None), ("mid-point", "Mid Point", None),
    ]
    assert site.categories[0].description == "First things."


def test_category_title_defaults_from_folder_name(content):
    site = load_site(content({"content/deep_learning-basics/a.md": topic("A")}))
    assert [(c.slug, c.title) for c in site.categories] == [("deep-learning-basics", "Deep Learning Basics")]


def test_pages_ordered_by_order_then_title(content):
    site = load_site(content({
        "content/nn/a.md": topic("Zebra"),
        "content/nn/b.md": topic("apple"),
        "content/nn/c.md": topic("Last by title", "order: 1"),
        "content/nn/d.md": topic("Also ordered", "order: 3"),
    }))
    assert [p.title for p in site.pages] == ["Last by title", "Also ordered", "apple", "Zebra"]
    assert [p.output_path for p in site.pages] == ["nn/c.html", "nn/d.html", "nn/b.html", "nn/a.html"]


def test_hidden_folders_and_empty_categories_are_skipped(content):
    site = load_site(content({
        "content/.git/notes.md": "not content",
        "content/empty/_category.yml": "title: Empty\n",
        "content/nn/a.md": topic("A"),
    }))
    assert [c.slug for c in site.categories] == ["nn"]


def test_unknown_key_in_category_file(content):
    assert failures(content({
        "content/nn/_category.yml": "order: 1\ntitel: Networks\n",
        "content/nn/a.md": topic("A"),
    })) == [
        "content/nn/_category.yml:2: unknown key 'titel' (did you mean 'title'?)\n"
        "  hint: the keys you can use here are: title, description, order, difficulty"
    ]


def test_two_files_with_the_same_url(content):
    assert failures(content({
        "content/nn/a.md": topic("A", "slug: b"),
        "content/nn/b.md": topic("B"),
    })) == [
        "content/nn/b.md: this page and content/nn/a.md both become nn/b.html\n"
        "  hint: rename one file or give it its own 'slug:'"
    ]


def test_two_category_folders_with_the_same_url(content):
    content_dir = content({
        "content/Deep Learning/a.md": topic("A"),
        "content/deep-learning/b.md": topic("B"),
    })
    with pytest.raises(BuildFailed) as failed:
        load_site(content_dir)
    assert [str(error) for error in failed.value.errors] == [
        "content/deep-learning: this folder and content/Deep Learning both become "
        "deep-learning/\n  hint: rename one of the folders"]


def test_markdown_file_at_content_root(content):
    assert failures(content({"content/stray.md": topic("S"), "content/nn/a.md": topic("A")})) == [
        "content/stray.md: content files must sit in a category folder\n"
        "  hint: move it to content/<category>/stray.md"
    ]


def test_markdown_file_in_a_subfolder(content):
    assert failures(content({"content/nn/a.md": topic("A"), "content/nn/more/x.md": topic("X")})) == [
        "content/nn/more/x.md: content files must sit directly in a category folder\n"
        "  hint: move it to content/nn/x.md"
    ]


@pytest.mark.parametrize("folder", ["tags", "static"])
def test_reserved_category_folder(content, folder):
    assert failures(content({f"content/{folder}/a.md": topic("A")})) == [
        f"content/{folder}: a category folder cannot be named '{folder}'\n"
        "  hint: rename the folder; 'tags' and 'static' are used by the site"
    ]


def test_empty_content_folder(content):
    assert failures(content({})) == [
        "content: there is no content to build\n"
        "  hint: add a file with 'studysite new <category>/<topic>'"
    ]


def test_missing_content_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert failures(tmp_path / "content") == [
        "content: the content folder does not exist\n  hint: create it, or pass --content DIR"
    ]


def test_errors_from_several_files_are_collected(content):
    errors = failures(content({
        "content/nn/a.md": src("---", "title: A", "---", "## What is X?", "X."),
        "content/nn/b.md": topic("B"),
        "content/nn/c.md": "",
        "content/opt/_category.yml": "order: first\n",
        "content/opt/d.md": topic("D"),
        "content/stray.md": topic("S"),
    }))
    assert errors == [
        f"content/nn/a.md:4: question 'What is X?' has no difficulty\n  hint: {NO_DIFFICULTY_HINT}",
        "content/nn/c.md:1: the file is empty\n"
        "  hint: start the file with '---', then 'title: Your title', then '---'; "
        "'studysite new' writes a starter file",
        "content/opt/_category.yml:1: 'order' must be a whole number, not 'first'\n"
        "  hint: for example order: 2 (lower numbers come first)",
        "content/stray.md: content files must sit in a category folder\n"
        "  hint: move it to content/<category>/stray.md",
    ]


def test_errors_in_pages_of_a_valid_category_are_collected_with_others(content):
    errors = failures(content({
        "content/nn/a.md": topic("A", "titel: x"),
        "content/opt/b.md": src("---", "title: B", "---", "## Q [meduim]", "Q."),
    }))
    assert [e.split("\n")[0] for e in errors] == [
        "content/nn/a.md:3: unknown key 'titel' (did you mean 'title'?)",
        "content/opt/b.md:4: unknown difficulty 'meduim'",
    ]


def test_non_utf8_file_is_reported_with_its_path(content):
    content_dir = content({"content/nn/a.md": topic("A")})
    (content_dir / "nn" / "b.md").write_bytes(b"---\ntitle: Caf\xe9\n---\n")
    assert failures(content_dir) == [
        "content/nn/b.md:2: the file is not valid UTF-8\n  hint: save the file with UTF-8 encoding in your editor"
    ]


def test_tags_merged_across_pages_and_spellings(content):
    site = load_site(content({
        "content/nn/a.md": topic("A", "order: 1", tags="ResNet, CNN"),
        "content/nn/b.md": topic("B", "order: 2", tags="resnet, adam"),
        "content/opt/c.md": topic("C", tags="RESNET"),
    }))
    a, b, c = site.pages
    assert [(t.name, t.slug, t.pages) for t in site.tags] == [
        ("adam", "adam", (b,)),
        ("CNN", "cnn", (a,)),
        ("ResNet", "resnet", (a, b, c)),  # the first spelling in reading order names the tag
    ]
    assert site.tag_named("ResNet").output_path == "tags/resnet.html"


def test_page_with_two_spellings_of_a_tag_is_listed_once():
    page = parse(page_with_front_matter("title: A", "tags: [ResNet, resnet]"))
    [tag] = collect_tags([Category("nn", "NN", pages=(page,))])
    assert tag.pages == (page,)


def test_collect_tags_directly():
    one = parse(page_with_front_matter("title: One", "tags: [b, A]"))
    two = parse(page_with_front_matter("title: Two", "tags: [a]"))
    tags = collect_tags([Category("x", "X", pages=(one,)), Category("y", "Y", pages=(two,))])
    assert [(t.name, t.pages) for t in tags] == [("A", (one, two)), ("b", (one,))]
    assert collect_tags([]) == ()
