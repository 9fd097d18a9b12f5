"""Parsing content files: front matter, questions, and whole content trees."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import load_site
from studysite.assembly import collect_tags
from studysite.frontmatter import load_yaml, read_text, split_front_matter
from studysite.pages import parse_page
from studysite.questions import parse_question_heading, split_questions
from studysite.errors import BuildFailed, ContentError, did_you_mean, format_report
from studysite.model import Category, Difficulty, Page

PATH = Path("nn/topic.md")
DIFFICULTY_HINT = "end the heading with [easy], [medium] or [hard], for example '## What is X? [easy]'"
PAGE_KEYS = "title, summary, tags, tip, checklist, order, slug, kind, related, takeaways"


def src(*lines: str) -> str:
    """A file's text from its lines, so a test can count line numbers by position."""
    return "\n".join(lines) + "\n"


def parse(text: str, stem: str = "topic") -> Page:
    return parse_page(text, PATH, "nn", stem)


def errors_of(text: str, stem: str = "topic") -> list[str]:
    """Every error parse_page reports for `text`, as the user sees them."""
    with pytest.raises((BuildFailed, ContentError)) as info:
        parse(text, stem)
    failure = info.value
    if isinstance(failure, BuildFailed):
        return [str(error) for error in failure.errors]
    return [str(failure)]


def page_with_front_matter(*yaml_lines: str) -> str:
    """Front matter lines (file line 2 onwards) followed by one valid question."""
    return src("---", *yaml_lines, "---", "## What is X? [easy]", "X.")


# --- A good page ------------------------------------------------------------------------

GOOD = src(
    "---",                                               # 1
    'title: "Gradients"',                                # 2
    'summary: "How gradients flow."',                    # 3
    "tags: [Vanishing, ResNet]",                         # 4
    'tip: "Mention products."',                          # 5
    "checklist:",                                        # 6
    '  - "Vanish vs explode"',                           # 7
    "  - Residuals",                                     # 8
    "order: 2",                                          # 9
    "---",                                               # 10
    "",                                                  # 11
    "Intro with *emphasis*.",                            # 12
    "",                                                  # 13
    "## What is the vanishing gradient problem? [EASY]",  # 14
    "",                                                  # 15
    "- layer one",                                       # 16
    "- layer two",                                       # 17
    "",                                                  # 18
    "## Show the code [Medium]",                         # 19
    "",                                                  # 20
    "```python",                                         # 21
    "## not a question [easy]",                          # 22
    "x = 1",                                             # 23
    "```",                                               # 24
    "",                                                  # 25
    "### Details",                                       # 26
    "",                                                  # 27
    "| a | b |",                                         # 28
    "|---|---|",                                         # 29
    "| 1 | 2 |",                                         # 30
    "",                                                  # 31
    "## Why use residual connections? [hard] {#residuals}",  # 32
    "",                                                  # 33
    "They help.",                                        # 34
    "",                                                  # 35
    "## What is the vanishing gradient problem! [easy]",  # 36
    "",                                                  # 37
    "Same slug as the first question.",                  # 38
)


@pytest.fixture(scope="module")
def good() -> Page:
    return parse(GOOD)


def test_good_page_front_matter(good):
    assert good.title == "Gradients"
    assert good.summary == "How gradients flow."
    assert good.tags == ("Vanishing", "ResNet")
    assert good.tip == "Mention products."
    assert good.checklist == ("Vanish vs explode", "Residuals")
    assert good.order == 2
    assert good.slug == "topic"
    assert good.category == "nn"
    assert good.source_path == PATH
    assert good.output_path == "nn/topic.html"


def test_good_page_questions_in_order_with_case_insensitive_markers(good):
    assert [q.title_text for q in good.questions] == [
        "What is the vanishing gradient problem?",
        "Show the code",
        "Why use residual connections?",
        "What is the vanishing gradient problem!",
    ]
    assert [q.difficulty for q in good.questions] == [
        Difficulty.EASY, Difficulty.MEDIUM, Difficulty.HARD, Difficulty.EASY,
    ]
    assert [q.line for q in good.questions] == [14, 19, 32, 36]


def test_good_page_question_ids(good):
    assert [q.id for q in good.questions] == [
        "q-what-is-the-vanishing-gradient-problem",
        "q-show-the-code",
        "q-residuals",  # the explicit {#residuals}
        "q-what-is-the-vanishing-gradient-problem-2",  # same slug as the first: made unique
    ]


def test_good_page_intro_html(good):
    assert good.intro_html.strip() == "<p>Intro with <em>emphasis</em>.</p>"


def test_good_page_answer_html(good):
    first, code, residuals, _ = good.questions
    assert first.answer_html.strip() == "<ul>\n<li>layer one</li>\n<li>layer two</li>\n</ul>"
    # The '## ' line inside the fence is code, not a question; '###' stays in the answer.
    assert '<span class="code__lang">Python</span>' in code.answer_html
    assert '## not a question [easy]' in code.answer_html
    assert "<h3>Details</h3>" in code.answer_html
    assert "<table>" in code.answer_html and "<td>2</td>" in code.answer_html
    assert residuals.answer_html.strip() == "<p>They help.</p>"


def test_question_title_html_renders_inline_markdown():
    page = parse(src("---", "title: A", "---", "## What does `x[i]` return? [easy]", "An item."))
    question = page.questions[0]
    assert question.title_text == "What does `x[i]` return?"
    assert question.title_html == "What does <code>x[i]</code> return?"


def test_page_without_intro_has_empty_intro_html():
    page = parse(src("---", "title: A", "---", "", "## Q [easy]", "A."))
    assert page.intro_html == ""


def test_optional_front_matter_defaults():
    page = parse(src("---", "title: A", "---", "## Q [easy]", "A."))
    assert (page.summary, page.tags, page.tip, page.checklist, page.order) == ("", (), "", (), None)


def test_tags_as_comma_string_are_split_trimmed_and_deduplicated():
    assert parse(page_with_front_matter("title: A", 'tags: "a, b"')).tags == ("a", "b")
    assert parse(page_with_front_matter("title: A", "tags: a, b,, a ")).tags == ("a", "b")


def test_slug_comes_from_file_name_or_front_matter():
    assert parse(page_with_front_matter("title: A"), stem="My Topic").slug == "my-topic"
    assert parse(page_with_front_matter("title: A", "slug: other-name")).slug == "other-name"


def test_question_without_slug_letters_gets_numbered_id():
    page = parse(src("---", "title: A", "---", "## Q [easy]", "A.", "## ??? [hard]", "B."))
    assert [q.id for q in page.questions] == ["q-q", "q-question-2"]


def test_cjk_question_keeps_its_letters_in_the_id():
    page = parse(src("---", "title: A", "---", "## 什么是梯度消失？ [easy]", "A."))
    assert page.questions[0].id == "q-什么是梯度消失"


def test_front_matter_closed_with_dots():
    page = parse(src("---", "title: A", "...", "## Q [easy]", "A."))
    assert page.title == "A"


# --- Errors in one page -----------------------------------------------------------------

def test_missing_difficulty():
    assert errors_of(src("---", "title: A", "---", "## What is X?", "X.")) == [
        f"nn/topic.md:4: question 'What is X?' has no difficulty\n  hint: {DIFFICULTY_HINT}"
    ]


def test_unknown_difficulty_suggests_closest():
    assert errors_of(src("---", "title: A", "---", "", "## What is X? [meduim]", "X.")) == [
        "nn/topic.md:5: unknown difficulty 'meduim'\n"
        "  hint: use easy, medium or hard (did you mean 'medium'?)"
    ]


def test_empty_answer():
    text = src("---", "title: A", "---", "## What is X? [easy]", "", "## What is Y? [hard]", "Y.")
    assert errors_of(text) == [
        "nn/topic.md:4: question 'What is X?' has no answer\n"
        "  hint: write the answer below the heading, before the next '## '"
    ]


def test_empty_answer_at_end_of_file():
    text = src("---", "title: A", "---", "## What is X? [easy]", "X.", "## What is Y? [hard]", "   ")
    assert errors_of(text) == [
        "nn/topic.md:6: question 'What is Y?' has no answer\n"
        "  hint: write the answer below the heading, before the next '## '"
    ]


def test_duplicate_question_text_ignores_case():
    text = src("---", "title: A", "---", "## What is X? [easy]", "X.", "## what is x? [hard]", "Y.")
    assert errors_of(text) == [
        "nn/topic.md:6: question 'what is x?' already appears on line 4\n"
        "  hint: remove one copy or reword it"
    ]


def test_heading_with_marker_but_no_text():
    assert errors_of(src("---", "title: A", "---", "## [easy]", "X.")) == [
        "nn/topic.md:4: the question heading has no text\n"
        "  hint: write the question before the marker: '## What is X? [easy]'"
    ]


@pytest.mark.parametrize("text", ["", "  \n\n\t\n"])
def test_empty_file(text):
    assert errors_of(text) == [
        "nn/topic.md:1: the file is empty\n"
        "  hint: start the file with '---', then 'title: Your title', then '---'; "
        "'studysite new' writes a starter file"
    ]


def test_no_front_matter():
    assert errors_of(src("# Gradients", "## What is X? [easy]", "X.")) == [
        "nn/topic.md:1: the file does not start with front matter\n"
        "  hint: start the file with '---', then 'title: Your title', then '---'"
    ]


def test_unclosed_front_matter():
    assert errors_of(src("---", "title: A", "## What is X? [easy]", "X.")) == [
        "nn/topic.md:1: the front matter is not closed\n"
        "  hint: add a line with just '---' after the last front matter key"
    ]


def test_invalid_yaml_points_at_the_file_line():
    # File line 4 is the third YAML line: the '---' line must be counted.
    [error] = errors_of(page_with_front_matter("title: A", "summary: S", "tip: Q: A"))
    # The wording after "not allowed" differs between libyaml and pure-Python PyYAML.
    assert error.startswith("nn/topic.md:4: invalid YAML: mapping values are not allowed")
    assert error.endswith("\n  hint: a value that contains ': ' must be quoted, for example title: \"Q: A\"")


def test_duplicate_yaml_key():
    assert errors_of(page_with_front_matter("title: A", "summary: S", "title: B")) == [
        "nn/topic.md:4: invalid YAML: duplicate key 'title'\n"
        "  hint: remove one of the two lines; each key may appear once"
    ]


def test_front_matter_that_is_not_a_mapping():
    assert errors_of(page_with_front_matter("- title", "- A")) == [
        "nn/topic.md:2: expected 'key: value' lines\n"
        "  hint: write one setting per line, for example 'title: Gradients'"
    ]


def test_unknown_key_suggests_closest():
    assert errors_of(page_with_front_matter("title: A", "checklsit: [a]")) == [
        "nn/topic.md:3: unknown key 'checklsit' (did you mean 'checklist'?)\n"
        f"  hint: the keys you can use here are: {PAGE_KEYS}"
    ]


def test_unknown_key_with_nothing_close():
    assert errors_of(page_with_front_matter("title: A", "zzz: 1")) == [
        f"nn/topic.md:3: unknown key 'zzz'\n  hint: the keys you can use here are: {PAGE_KEYS}"
    ]


def test_missing_title():
    assert errors_of(page_with_front_matter("summary: S")) == [
        "nn/topic.md:1: the front matter has no 'title'\n"
        "  hint: add a line 'title: Your title' between the '---' lines"
    ]


def test_empty_title():
    assert errors_of(page_with_front_matter('title: ""')) == [
        "nn/topic.md:2: 'title' is empty\n  hint: give the page a title: title: \"Your title\""
    ]


def test_title_read_as_float_shows_value_quoted():
    # YAML reads 3.10 as the number 3.1; the hint must keep what the author wrote.
    assert errors_of(page_with_front_matter("summary: S", "title: 3.10")) == [
        "nn/topic.md:3: 'title' must be text, but YAML read '3.10' as a number\n"
        '  hint: put the value in quotes: title: "3.10"'
    ]


def test_title_hint_leaves_out_trailing_comment():
    [error] = errors_of(page_with_front_matter("title: 3.10  # the version"))
    assert error.endswith('\n  hint: put the value in quotes: title: "3.10"')


def test_tags_read_as_booleans():
    assert errors_of(page_with_front_matter("title: A", "tags: [no, yes]")) == [
        "nn/topic.md:3: 'tags' has an item that is not text: YAML read it as False\n"
        "  hint: quote every item of 'tags', for example [\"no\", \"yes\"]"
    ]


def test_checklist_given_as_string():
    [error] = errors_of(page_with_front_matter("title: A", "checklist: do it"))
    assert error.startswith("nn/topic.md:3: 'checklist' must be a list")
    assert "\n  hint: write it as a list:\n        checklist:\n          - first item\n          - second item" in error


@pytest.mark.parametrize("value", ["two", "1.5", "true"])
def test_order_must_be_whole_number(value):
    assert errors_of(page_with_front_matter("title: A", f"order: {value}")) == [
        f"nn/topic.md:3: 'order' must be a whole number, not '{value}'\n"
        "  hint: for example order: 2 (lower numbers come first)"
    ]


def test_invalid_slug():
    assert errors_of(page_with_front_matter("title: A", "slug: a/b")) == [
        "nn/topic.md:3: 'slug' 'a/b' is not a valid file name\n"
        "  hint: use letters, digits and hyphens only, for example slug: my-topic"
    ]


def test_page_named_index_is_reserved():
    assert errors_of(page_with_front_matter("title: A"), stem="index") == [
        "nn/topic.md: a page cannot be named 'index'\n"
        "  hint: rename the file or set another 'slug:' in the front matter"
    ]


def test_file_name_without_letters_does_not_give_empty_slug():
    assert errors_of(page_with_front_matter("title: A"), stem="!!!") == [
        "nn/topic.md: a page cannot be named '!!!'\n"
        "  hint: rename the file or set another 'slug:' in the front matter"
    ]
    assert parse(page_with_front_matter("title: A", "slug: fine"), stem="!!!").slug == "fine"


def test_unclosed_code_fence_points_at_the_fence():
    text = src("---", "title: A", "---", "## What is X? [easy]", "", "```python", "x = 1",
               "## Not a question [easy]", "y")
    assert errors_of(text) == [
        "nn/topic.md:6: this code block is never closed\n  hint: add a closing line '```' after the code"
    ]


def test_fence_closes_only_with_same_character_and_length():
    text = src("---", "title: A", "---", "## What is X? [easy]", "", "````", "```", "~~~~",
               "## Inside [easy]")
    assert errors_of(text) == [
        "nn/topic.md:6: this code block is never closed\n  hint: add a closing line '````' after the code"
    ]


def test_unclosed_fence_reported_with_front_matter_errors():
    text = src("---", "title: A", "titel: B", "---", "## What is X? [easy]", "```", "x")
    errors = errors_of(text)
    assert len(errors) == 2
    assert errors[0].startswith("nn/topic.md:3: unknown key 'titel'")
    assert errors[1].startswith("nn/topic.md:6: this code block is never closed")


@pytest.mark.parametrize("heading", ["What is X? [easy] {#a b}", "What is X? [easy] {#-x}",
                                     "What is X? [easy] {#}"])
def test_invalid_explicit_id(heading):
    [error] = errors_of(src("---", "title: A", "---", f"## {heading}", "X."))
    explicit = heading.split("{#")[1].rstrip("}")
    assert error == (f"nn/topic.md:4: invalid question id '{{#{explicit}}}'\n"
                     "  hint: use letters, digits and hyphens, for example {#vanishing-gradients}")


def test_explicit_id_used_twice():
    text = src("---", "title: A", "---", "## X [easy] {#same}", "X.", "## Y [easy] {#same}", "Y.")
    assert errors_of(text) == [
        "nn/topic.md:6: id '{#same}' is already used on line 4\n  hint: give each question its own id"
    ]


def test_page_with_no_questions():
    assert errors_of(src("---", "title: A", "---", "Just an intro.", "", "### Not a question [easy]")) == [
        "nn/topic.md:4: the page has no questions\n  hint: add questions as level-2 headings ending in a "
        "difficulty, for example '## What is X? [easy]'; for an article without questions, use 'kind: tutorial'"
    ]


def test_all_errors_of_one_file_are_reported_together():
    text = src(
        "---",                       # 1
        "summary: S",                # 2  (no title -> line 1)
        "checklsit: [a]",            # 3
        "order: two",                # 4
        "---",                       # 5
        "## What is X?",             # 6  no difficulty
        "X.",                        # 7
        "## What is Y? [meduim]",    # 8
        "Y.",                        # 9
        "## What is Z? [easy]",      # 10 no answer
        "## what is z? [hard]",      # 11 duplicate
        "Z.",                        # 12
    )
    with pytest.raises(BuildFailed) as info:
        parse(text)
    assert [(str(e.path), e.line) for e in info.value.errors] == [
        ("nn/topic.md", 1), ("nn/topic.md", 3), ("nn/topic.md", 4), ("nn/topic.md", 6),
        ("nn/topic.md", 8), ("nn/topic.md", 10), ("nn/topic.md", 11),
    ]
    assert [e.message for e in info.value.errors] == [
        "the front matter has no 'title'",
        "unknown key 'checklsit' (did you mean 'checklist'?)",
        "'order' must be a whole number, not 'two'",
        "question 'What is X?' has no difficulty",
        "unknown difficulty 'meduim'",
        "question 'What is Z?' has no answer",
        "question 'what is z?' already appears on line 10",
    ]
    assert str(info.value).endswith("\n7 errors; nothing was written.")


# --- The pieces of parse_page -----------------------------------------------------------

def test_split_front_matter_returns_line_numbers():
    text = src("---", "title: A", "tags: [x]", "---", "Intro.", "## Q [easy]")
    assert split_front_matter(text, PATH) == ("title: A\ntags: [x]", 2, "Intro.\n## Q [easy]\n", 5)


def test_split_questions_intro_and_lines():
    body = src("Intro.", "## One [easy]", "A.", "~~~", "## In a tilde fence", "~~~", "## Two [hard]", "B.")
    intro, raw = split_questions(body, 10, PATH)
    assert intro == "Intro."
    assert [(q.heading, q.line) for q in raw] == [("One [easy]", 11), ("Two [hard]", 16)]
    assert raw[0].answer == "A.\n~~~\n## In a tilde fence\n~~~"


def test_split_questions_ignores_other_heading_levels():
    body = src("# Title", "### Three", "##Not a heading", "## Real [easy]", "#### Four")
    intro, raw = split_questions(body, 1, PATH)
    assert intro == "# Title\n### Three\n##Not a heading"
    assert [(q.heading, q.line, q.answer) for q in raw] == [("Real [easy]", 4, "#### Four\n")]


@pytest.mark.parametrize("heading, expected", [
    ("What is X? [easy]", ("What is X?", Difficulty.EASY, "")),
    ("What is X? [EASY]", ("What is X?", Difficulty.EASY, "")),
    ("What is X? [Medium]", ("What is X?", Difficulty.MEDIUM, "")),
    ("What is X?[ hard ]  ", ("What is X?", Difficulty.HARD, "")),
    ("What is X? [hard] {#my-id}", ("What is X?", Difficulty.HARD, "my-id")),
    ("What does a[i] mean? [easy]", ("What does a[i] mean?", Difficulty.EASY, "")),
])
def test_parse_question_heading(heading, expected):
    assert parse_question_heading(heading, PATH, 7) == expected


def test_parse_question_heading_unknown_marker():
    with pytest.raises(ContentError) as info:
        parse_question_heading("What is X? [tricky]", PATH, 7)
    assert str(info.value) == "nn/topic.md:7: unknown difficulty 'tricky'\n  hint: use easy, medium or hard"


def test_load_yaml_offsets_error_lines_and_accepts_empty():
    assert load_yaml("", PATH, 2) == {}
    assert load_yaml("a: 1\nb: [x]", PATH, 2) == {"a": 1, "b": ["x"]}
    with pytest.raises(ContentError) as info:
        load_yaml("a: 1\nb: 2\na: 3", PATH, 10)
    assert (info.value.line, info.value.message) == (12, "invalid YAML: duplicate key 'a'")


# --- read_text --------------------------------------------------------------------------

def test_read_text_strips_bom_and_normalises_newlines(tmp_path):
    path = tmp_path / "topic.md"
    path.write_bytes(b"\xef\xbb\xbf---\r\ntitle: A\r\n---\rbody\n")
    assert read_text(path, PATH) == "---\ntitle: A\n---\nbody\n"


def test_read_text_non_utf8_names_the_line(tmp_path):
    path = tmp_path / "topic.md"
    path.write_bytes(b"\xef\xbb\xbf---\r\ntitle: Caf\xe9\r\n---\r\n")  # Latin-1 on line 2
    with pytest.raises(ContentError) as info:
        read_text(path, PATH)
    assert str(info.value) == (
        "nn/topic.md:2: the file is not valid UTF-8\n  hint: save the file with UTF-8 encoding in your editor"
    )


def test_read_text_rejects_binary(tmp_path):
    path = tmp_path / "topic.md"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    with pytest.raises(ContentError) as info:
        read_text(path, PATH)
    assert str(info.value) == (
        "nn/topic.md: this is not a text file\n  hint: content/ holds Markdown files; move binary files elsewhere"
    )


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
        "  hint: the keys you can use here are: title, description, order"
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
        f"content/nn/a.md:4: question 'What is X?' has no difficulty\n  hint: {DIFFICULTY_HINT}",
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


# --- Error reports ----------------------------------------------------------------------

def test_content_error_str_without_line_or_hint():
    assert str(ContentError(Path("a.md"), None, "broken")) == "a.md: broken"
    assert str(ContentError("a.md", 3, "broken", "fix it")) == "a.md:3: broken\n  hint: fix it"


def test_format_report_counts_errors():
    one = ContentError("a.md", 1, "first")
    two = ContentError("b.md", None, "second", "do this")
    assert format_report([one]) == "a.md:1: first\n1 error; nothing was written."
    assert format_report([one, two]) == (
        "a.md:1: first\nb.md: second\n  hint: do this\n2 errors; nothing was written."
    )


def test_build_failed_sorts_errors_by_path_then_line():
    late = ContentError("a.md", 9, "late")
    early = ContentError("a.md", 2, "early")
    other = ContentError("b.md", None, "other")
    failed = BuildFailed([other, late, early])
    assert failed.errors == [early, late, other]
    assert str(failed) == format_report([early, late, other])


def test_did_you_mean():
    assert did_you_mean("titel", ["title", "tags"]) == " (did you mean 'title'?)"
    assert did_you_mean("zzz", ["title", "tags"]) == ""
