"""The data model: slugs, ordering, difficulties and derived paths."""

from __future__ import annotations

from pathlib import Path

import pytest

from studysite.model import Category, Difficulty, Page, Question, Site, SiteConfig, Tag, slugify, sort_key


@pytest.mark.parametrize("text, slug", [
    ("Vanishing Gradients", "vanishing-gradients"),
    ("Café", "cafe"),
    ("Ångström naïve résumé", "angstrom-naive-resume"),
    ("梯度消失", "梯度消失"),
    ("What is 梯度?", "what-is-梯度"),
    ("Hello, World! (again)", "hello-world-again"),
    ("  --Leading and trailing--  ", "leading-and-trailing"),
    ("snake_case and  many   spaces", "snake-case-and-many-spaces"),
    ("C++ / C#", "c-plus-plus-c-sharp"),
    ("?!.", ""),
])
def test_slugify(text, slug):
    assert slugify(text) == slug


def test_slugify_truncates_long_text_at_a_hyphen():
    text = " ".join(f"word{n}" for n in range(30))
    slug = slugify(text)
    assert len(slug) <= 64
    assert text.lower().replace(" ", "-").startswith(slug + "-")  # whole words only
    assert slug.split("-")[-1] == f"word{len(slug.split('-')) - 1}"


def test_slugify_max_length_and_single_long_word():
    assert slugify("alpha beta gamma", max_length=12) == "alpha-beta"
    assert slugify("x" * 100) == "x" * 64


def test_sort_key_explicit_order_first_then_title_case_insensitive():
    items = [(None, "beta"), (2, "Zulu"), (None, "Alpha"), (1, "yankee"), (-1, "x"), (2, "alpha")]
    ordered = sorted(items, key=lambda item: sort_key(*item))
    assert ordered == [(-1, "x"), (1, "yankee"), (2, "alpha"), (2, "Zulu"), (None, "Alpha"), (None, "beta")]


def test_sort_key_order_zero_is_explicit():
    assert sort_key(0, "b") < sort_key(None, "a")


def test_difficulty_values_and_labels():
    assert [d.value for d in Difficulty] == ["easy", "medium", "hard"]
    assert [d.label for d in Difficulty] == ["Easy", "Medium", "Hard"]
    assert Difficulty("medium") is Difficulty.MEDIUM


def question(qid: str, difficulty: Difficulty) -> Question:
    return Question(id=qid, title_html=qid, title_text=qid, difficulty=difficulty, answer_html="", line=1)


def test_page_output_path_and_counts():
    page = Page(source_path=Path("content/nn/a.md"), category="nn", slug="a", title="A",
                questions=(question("q-1", Difficulty.EASY), question("q-2", Difficulty.HARD),
                           question("q-3", Difficulty.EASY)))
    assert page.output_path == "nn/a.html"
    assert [page.count(d) for d in Difficulty] == [2, 0, 1]


def test_site_pages_in_reading_order_and_counts():
    easy = question("q-1", Difficulty.EASY)
    a = Page(Path("a.md"), "nn", "a", "A", questions=(easy, easy))
    b = Page(Path("b.md"), "nn", "b", "B", questions=(easy,))
    c = Page(Path("c.md"), "opt", "c", "C", questions=(easy,))
    nn, opt = Category("nn", "NN", pages=(a, b)), Category("opt", "Opt", pages=(c,))
    tag = Tag("ResNet", "resnet", (a, c))
    site = Site(SiteConfig(), (opt, nn), (tag,))
    assert site.pages == (c, a, b)
    # A tag in front matter tags the page; only questions that name it count as tagged questions.
    assert (site.question_count, nn.question_count, tag.question_count) == (4, 3, 0)
    assert site.category_of(a) is nn
    assert site.tag_named("ResNet") is tag
    assert (nn.output_path, tag.output_path) == ("nn/index.html", "tags/resnet.html")


def test_tag_counts_questions_that_name_it():
    tagged = Question("q-t", "T", "T", Difficulty.HARD, "<p>a</p>", 3, tags=("ResNet",))
    plain = question("q-p", Difficulty.EASY)
    page = Page(Path("a.md"), "nn", "a", "A", tags=("ResNet",), questions=(tagged, plain))
    assert page.questions_tagged("resnet") == (tagged,)
    assert Tag("ResNet", "resnet", (page,)).question_count == 1
    assert page.filter_tags == ("ResNet",)


def test_a_card_holds_every_page_field_but_the_page_only_ones():
    from dataclasses import fields

    from studysite.model import PAGE_ONLY_FIELDS, Card, Page, QuestionCard, Question

    # A field added to Page must be on its card (so listings' fingerprints see it) or be named page-only.
    assert {f.name for f in fields(Card)} == {f.name for f in fields(Page)} - PAGE_ONLY_FIELDS
    assert {f.name for f in fields(QuestionCard)} < {f.name for f in fields(Question)}
    assert "answer_html" not in {f.name for f in fields(QuestionCard)}
    # Card.digest hashes these five by name: a sixth field must join it there.
    assert [f.name for f in fields(QuestionCard)] == ["id", "title_html", "title_text", "difficulty", "tags"]
