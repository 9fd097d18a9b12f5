"""Property-based: whatever a content file or its front matter holds, the build succeeds or says why."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from studysite.pages import parse_page
from studysite.errors import BuildFailed, ContentError
from studysite.markup import MarkupError, render_markdown

PATH = Path("nn/prop.md")
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

yaml_scalars = st.one_of(st.text(max_size=20), st.integers(), st.floats(allow_nan=False), st.booleans(), st.none(),
                         st.sampled_from(["no", "yes", "3.10", "Q: A", "- item", "[a, b", "'", '"', "&anchor", "*ref"]))
keys = st.sampled_from(["title", "summary", "tags", "tip", "checklist", "order", "slug", "kind", "related",
                        "takeaways", "titel", "x"])
markdown_bits = st.lists(st.sampled_from([
    "## What is X? [easy]", "## Y [medium] {#y}", "## Z [hrad]", "## [easy]", "### Sub", "- [x] right", "- [ ] wrong",
    "```python", "```", "~~~", "$x_1$", "$$", "\\(a\\)", "$5 and $10", "> [!NOTE]", "> quote", "<details>",
    "</details>", "<StrictMode>", "Tags: A, B", "| a | b |", "|---|---|", "![](img/none.png)", "[x](other.md)",
    "  - nested", "1. one", "", "plain text", "\t", "\u200b", "مرحبا", "梯度", "---",
]), max_size=25)


def survives(text: str, stem: str = "prop") -> None:
    try:
        parse_page(text, PATH, "nn", stem)
    except (ContentError, BuildFailed):
        pass  # the project's own errors are the only acceptable failure


@SETTINGS
@given(front=st.dictionaries(keys, st.one_of(yaml_scalars, st.lists(yaml_scalars, max_size=4)), max_size=6),
       body=markdown_bits, stem=st.sampled_from(["prop", "prop.mcq", "prop.tutorial", "index", "!!!"]))
def test_any_front_matter_and_body(front, body, stem):
    import yaml
    text = "---\n" + yaml.safe_dump(front, allow_unicode=True) + "---\n\n" + "\n".join(body) + "\n"
    survives(text, stem)


@SETTINGS
@given(st.text(max_size=400))
def test_any_text_at_all(text):
    survives(text)
    survives("---\ntitle: T\n---\n" + text)


@SETTINGS
@given(st.lists(st.sampled_from(["$", "$$", "\\(", "\\)", "\\[", "\\]", "\\$", "`", "x", " ", "\n", "\\frac{", "}", "^", "_"]),
                max_size=30))
def test_math_delimiters_in_any_order(parts):
    try:
        render_markdown("".join(parts))
    except MarkupError:
        pass


@SETTINGS
@given(text=st.one_of(st.text(max_size=40), st.text(alphabet="ab 1.-+=%'\"()?:,é梯", max_size=30),
                     st.from_regex(r"\A {0,6}[a-z][a-z ]{0,8}\Z")))
def test_plain_text_shortcut_reads_as_the_converter_would(text):
    """One-line Markdown without syntax skips the converter; the reader must not see a difference."""
    from studysite import markup

    def words(fragment: str) -> str:
        return " ".join(fragment.split())

    if markup._MARKDOWN_SYNTAX.search(text):
        return
    markup._text_converter.reset()
    assert words(markup.render_text(text)) == words(markup._unwrap(markup._text_converter.convert(text)))
    assert words(markup.render_inline(text)) == words(markup._unwrap(render_markdown(text)))


segments = st.sampled_from(["a", "b", "tags", "static", "index.html", "x.html", "style.css"])


@SETTINGS
@given(page=st.lists(segments, min_size=1, max_size=3), target=st.lists(segments, max_size=3),
       fragment=st.sampled_from(["", "#q1", "#"]))
def test_page_url_helper_agrees_with_relative_url(page, target, fragment):
    """Templates link through a per-page helper with shortcuts; it must say what relative_url says."""
    import posixpath

    from studysite.render import _url_helper, relative_url

    from_path, to_path = "/".join(page), "/".join(target) + fragment
    url = _url_helper(from_path)(to_path)
    assert url == relative_url(from_path, to_path)
    if target and not fragment:  # and it leads to the target
        assert posixpath.normpath(posixpath.join(posixpath.dirname(from_path), url)) == to_path


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents=st.lists(st.one_of(markdown_bits, st.lists(st.sampled_from([
    "Some *text* and `code`.", "- item", "  - nested", "1. one", "", "$x_1$", "$$", "\\(a\\)", "$5 and $10",
    "> [!NOTE]", "> quote", "| a | b |", "|---|---|", "```python", "```", "    indented", "Term", ": definition",
    "\t", "   ", "***", "---", "Tags: A", "#", "## Heading [easy]", "text  ", "[x](y.md)", "![alt](img.png)",
    "Press the ` key", "`code` and $z$", "``a ` b``", "> [ref]: https://example.com", "    [ref]: https://e.x",
    "See [ref].", "> *[HTML]: markup", "HTML here",
]), max_size=12)).map("\n".join), min_size=2, max_size=5),
       raw_html=st.sampled_from(["allow", "escape", "sanitize"]))
def test_documents_converted_together_read_as_converted_alone(documents, raw_html):
    """A page's answers share one conversion pass when they can; never with a different result."""
    from studysite.markup import render_many

    together = render_many(documents, raw_html)
    if together is None:
        return  # they could not share a pass: each is converted alone
    alone = []
    for document in documents:
        try:
            alone.append(render_markdown(document, raw_html))
        except MarkupError:
            raise AssertionError("a formula error went unnoticed in the shared pass") from None
    assert together == alone
