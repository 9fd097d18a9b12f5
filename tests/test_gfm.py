"""studysite's Markdown against GitHub's own renderer (cmark-gfm), over a corpus of snippets.

The corpus: the block-structure examples of the GFM spec (tests/fixtures/gfm/spec.md), answer-sized
snippets in the shapes authors paste (shapes.md), and fences and lists generated in every container
and indentation. Each snippet is rendered by both and compared as a reader sees it (gfm_tools). The
known differences are the table in docs/markdown.md, read here, so the docs cannot drift: a listed
snippet that starts to match is reported too.
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path

from gfm_tools import github_html, structure
from studysite.markup import render_markdown

FIXTURES = Path(__file__).parent / "fixtures" / "gfm"
DOCS = Path(__file__).parent.parent / "docs" / "markdown.md"
TARGET = 0.99


def _snippets_in(path: Path) -> dict[str, str]:
    parts = re.split(r"^%%% (.*)\n", path.read_text(encoding="utf-8"), flags=re.MULTILINE)[1:]
    return {name: text.rstrip("\n") + "\n" for name, text in zip(parts[::2], parts[1::2])}


def _generated() -> dict[str, str]:
    """Fences and lists in every container, at every indentation GitHub accepts."""
    snippets = {}
    containers = {"top level": ("", ""), "bullet item": ("- ", "  "), "numbered item": ("1. ", "   "),
                  "item numbered 10": ("10. ", "    "), "nested item": ("- outer\n  - ", "    "),
                  "quote": ("> ", "> ")}
    fences = {"backticks": "```", "tildes": "~~~"}
    infos = {"no language": "", "language": "js", "two-word info": "jsx harmony"}
    for (where, (first, rest)), (fence_name, fence), (info_name, info), shift, blank in itertools.product(
            containers.items(), fences.items(), infos.items(), range(4), (False, True)):
        if where == "top level" and shift:
            continue
        pad = " " * shift if where not in ("quote",) else ""
        lines = [first + "Intro line:"] + ([rest.rstrip()] if blank else [])
        lines += [rest + pad + fence + info, rest + pad + "const x = <b>{1}</b>;", rest + pad + "  indented()",
                  rest + pad + fence]
        lines += [rest + "After the code."] if where != "top level" else ["After the code."]
        name = f"generated: fence ({fence_name}, {info_name}) in a {where}, {shift} spaces off" + \
            (", after a blank line" if blank else "")
        snippets[name] = "\n".join(lines) + "\n"
    markers = {"dash": "-", "star": "*", "plus": "+", "number": "1.", "parenthesis": "1)"}
    for (marker_name, marker), indent, lead in itertools.product(markers.items(), (2, 3, 4),
                                                                 ("paragraph", "blank", "heading")):
        width = len(marker) + 1
        before = {"paragraph": "Some text:\n", "blank": "Some text:\n\n", "heading": "### Title\n"}[lead]
        nested = " " * max(indent, width)
        text = (f"{before}{marker} one\n{nested}- sub a\n{nested}- sub b\n{marker} two\n"
                f"{' ' * width}continued\n")
        snippets[f"generated: list ({marker_name}) after a {lead}, nested at {indent} spaces"] = text
    return snippets


CORPUS = {**{name: text for name, text in _snippets_in(FIXTURES / "spec.md").items()},
          **_snippets_in(FIXTURES / "shapes.md"), **_generated()}


def known_differences() -> dict[str, str]:
    """The snippets docs/markdown.md lists as rendering differently from GitHub, with the reason."""
    rows = re.findall(r"^\| `([^`]+)` \| (.+?) \|$", DOCS.read_text(encoding="utf-8"), flags=re.MULTILINE)
    return dict(rows)


def differs(text: str) -> bool:
    return structure(render_markdown(text)) != structure(github_html(text))


def test_the_corpus_is_large_and_mixed():
    assert len(CORPUS) >= 300
    assert sum(name.startswith("spec ") for name in CORPUS) >= 300
    assert sum(not name.startswith(("spec ", "generated: ")) for name in CORPUS) >= 100


def test_at_least_99_percent_of_the_corpus_renders_as_on_github():
    different = [name for name, text in CORPUS.items() if differs(text)]
    rate = 1 - len(different) / len(CORPUS)
    assert rate >= TARGET, f"{rate:.1%} match; differing: {different}"


def test_every_difference_is_documented_and_every_documented_one_is_real():
    known = known_differences()
    assert known, "docs/markdown.md lists no known differences"
    unknown = [name for name in known if name not in CORPUS]
    assert not unknown, f"docs/markdown.md names snippets the corpus does not have: {unknown}"
    undocumented = [name for name, text in CORPUS.items() if name not in known and differs(text)]
    assert not undocumented, f"render differently from GitHub and are not in docs/markdown.md: {undocumented}"
    fixed = [name for name in known if not differs(CORPUS[name])]
    assert not fixed, f"now render as on GitHub: remove them from docs/markdown.md: {fixed}"


def test_the_comparison_sees_what_a_reader_sees():
    # The comparison ignores decoration only: text, code, nesting and link targets all count.
    assert structure("<p>a <em>b</em></p>") != structure("<p>a b</p>")
    assert structure("<ul><li>a</li></ul>") != structure("<ol><li>a</li></ol>")
    assert structure('<a href="x">t</a>') != structure('<a href="y">t</a>')
    assert structure('<pre><code class="language-js">x\n</code></pre>') != \
        structure('<pre><code class="language-py">x\n</code></pre>')
    assert structure('<ul><li><p>a</p></li></ul>') == structure("<ul><li>a</li></ul>")  # tight or loose
    assert structure(render_markdown("```js\nx\n```")) == structure(github_html("```js\nx\n```"))


# A question's heading and a quiz option hold inline Markdown only, as a heading does on GitHub: text
# that would start a block elsewhere (a heading, list, quote, rule or fence) reads as written.
HEADING_TEXTS = ["# Why?", "### Deep", "####### Seven", "- a dash", "+ a plus", "* a star", "1. Setup", "12) Twelve",
                 "> 5 seconds", "---", "***", "* * *", "_ _ _", "```js", "  - indented", "#5 is a number",
                 "-1 is negative", "Why *a* and `b`?", "**Bold** first", "[ ] not a task"]


def test_a_heading_reads_as_written_even_where_it_would_start_a_block():
    from studysite.markup import render_inline

    for text in HEADING_TEXTS:
        on_github = re.fullmatch(r"<h2>(.*)</h2>\n?", github_html(f"## {text}"), re.S)
        assert render_inline(text) == on_github.group(1), text
