"""One content file -> a Page: front matter, questions and every error of one page."""

from __future__ import annotations

import pytest

from page_tools import NO_DIFFICULTY_HINT, PAGE_KEYS, PATH, errors_of, page_with_front_matter, parse, src

from studysite.errors import BuildFailed
from studysite.model import Difficulty, Page

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
        f"nn/topic.md:4: question 'What is X?' has no difficulty\n  hint: {NO_DIFFICULTY_HINT}"
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


def test_the_same_question_with_the_same_answer_is_an_error_whatever_the_case():
    text = src("---", "title: A", "---", "## What is X? [easy]", "X.", "## what is x? [hard]", "X.")
    assert errors_of(text) == [
        "nn/topic.md:6: question 'what is x?' already appears on line 4 with the same answer\n"
        "  hint: remove one copy, or change one of the answers"
    ]


def test_questions_may_share_a_title_when_their_answers_differ_with_ids_that_survive_reordering():
    first, second = ("## What's the output? [easy]", "```js\nconsole.log(1)\n```"), \
        ("## What's the output? [hard]", "```js\nconsole.log(2)\n```")
    page = parse(src("---", "title: A", "---", *first, *second))
    swapped = parse(src("---", "title: A", "---", *second, *first))
    ids = [q.id for q in page.questions]
    assert len(set(ids)) == 2 and all(i.startswith("q-what-s-the-output-") for i in ids)
    assert {q.id: q.difficulty for q in page.questions} == {q.id: q.difficulty for q in swapped.questions}


def test_shared_titles_are_a_warning_naming_both_lines(tmp_path):
    from studysite.assembly import page_warnings

    page = parse(src("---", "title: A", "summary: S", "checklist: [a]", "---",
                     "## Output? [easy]", "A.", "## Output? [easy]", "B.", "## Output? [easy]", "C."))
    assert [str(w) for w in page_warnings(page)] == [
        "nn/topic.md:6: 3 questions share the title 'Output?' (also on lines 8, 10)\n"
        "  hint: readers tell them apart by number only, so a word more in each title helps; their ids stay "
        "stable while their answers are unchanged (or give each one with {#id})"
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
    text = src("---", "title: A", "---", "## What is X? [easy]", "", "```python", "x = 1", "y")
    assert errors_of(text) == [
        "nn/topic.md:6: this code block is never closed\n  hint: add a closing line '```' after the code"
    ]


def test_a_fence_that_swallows_question_headings_names_both_lines():
    unclosed = src("---", "title: A", "---", "## What is X? [easy]", "", "```python", "x = 1",
                   "## Not lost [easy]", "y")
    assert errors_of(unclosed) == [
        "nn/topic.md:6: the code block opened here runs over the question on line 8\n"
        "  hint: close the code block before line 8 with a line '```', or delete this line if it is a stray "
        "fence; the question is lost until then"
    ]
    stray = src("---", "title: A", "---", "## One? [easy]", "```", "a", "```", "```", "## Two? [easy]",
                "```js", "b", "```")  # the stray fence on line 8 ends where the code of Two begins
    assert [e.split("\n")[0] for e in errors_of(stray)] == [
        "nn/topic.md:8: the code block opened here runs over the question on line 9"]
    quoted = src("---", "title: A", "---", "## One? [easy]", "```markdown", "## Two? [easy]", "```")
    assert [q.title_text for q in parse(quoted).questions] == ["One?"]  # an example of the format


def test_a_question_written_as_an_underlined_heading_is_an_error_with_the_fix():
    text = src("---", "title: A", "---", "## One? [easy]", "A.", "", "Two? [hard]", "---", "B.")
    assert errors_of(text) == [
        "nn/topic.md:7: 'Two? [hard]' is underlined, which makes it a heading inside the answer above, not a "
        "question\n  hint: write it as '## Two? [hard]' and delete the underline"
    ]


def test_fence_closes_only_with_same_character_and_length():
    text = src("---", "title: A", "---", "## What is X? [easy]", "", "````", "```", "~~~~",
               "## Inside [easy]")
    assert errors_of(text) == [
        "nn/topic.md:6: the code block opened here runs over the question on line 9\n"
        "  hint: close the code block before line 9 with a line '````', or delete this line if it is a stray "
        "fence; the question is lost until then"
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
        "## What is Z? [hard]",      # 11 the same title, but another answer: a warning, not an error
        "Z.",                        # 12
    )
    with pytest.raises(BuildFailed) as info:
        parse(text)
    assert [(str(e.path), e.line) for e in info.value.errors] == [
        ("nn/topic.md", 1), ("nn/topic.md", 3), ("nn/topic.md", 4), ("nn/topic.md", 6),
        ("nn/topic.md", 8), ("nn/topic.md", 10),
    ]
    assert [e.message for e in info.value.errors] == [
        "the front matter has no 'title'",
        "unknown key 'checklsit' (did you mean 'checklist'?)",
        "'order' must be a whole number, not 'two'",
        "question 'What is X?' has no difficulty",
        "unknown difficulty 'meduim'",
        "question 'What is Z?' has no answer",
    ]
    assert str(info.value).endswith("\n6 errors, no warnings; nothing was written.")
