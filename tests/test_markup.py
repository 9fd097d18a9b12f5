"""Rich answers: math, code, lists, callouts, raw HTML and real-world Markdown."""

from __future__ import annotations

import pytest

from studysite.markup import MarkupError, html_to_text, render_markdown


def math_count(html: str) -> int:
    return html.count("<math ")


# --- Math --------------------------------------------------------------------------------

def test_inline_and_display_math_become_mathml():
    html = render_markdown("Loss $L_i^2$ and\n\n$$\n\\frac{\\partial L}{\\partial w}\n$$\n")
    assert '<math xmlns="http://www.w3.org/1998/Math/MathML" display="inline">' in html
    assert '<math xmlns="http://www.w3.org/1998/Math/MathML" display="block">' in html
    assert "<msubsup><mi>L</mi><mi>i</mi><mn>2</mn></msubsup>" in html
    assert "<mfrac>" in html
    assert '<annotation encoding="application/x-tex">\\frac{\\partial L}{\\partial w}</annotation>' in html


@pytest.mark.parametrize("text", [r"\(a_1 * b_2\)", r"\[a_1 * b_2\]", "$a_1 * b_2$", "$$a_1 * b_2$$"])
def test_every_delimiter_protects_underscores_and_asterisks(text):
    html = render_markdown(text)
    assert math_count(html) == 1
    assert "<em>" not in html and "<strong>" not in html
    assert "<msub><mi>a</mi><mn>1</mn></msub><mo>&#x0002A;</mo>" in html


@pytest.mark.parametrize("text, expected", [
    ("It costs $5 and $10 in total.", "<p>It costs $5 and $10 in total.</p>"),
    ("A literal \\$3 here.", "<p>A literal &#36;3 here.</p>"),
    ("Code `$x$` stays code.", "<p>Code <code>$x$</code> stays code.</p>"),
    ("Between $ spaces $ is not math.", "<p>Between $ spaces $ is not math.</p>"),
    ("A lone $ sign.", "<p>A lone $ sign.</p>"),
])
def test_dollars_that_are_not_math(text, expected):
    assert render_markdown(text) == expected


def test_dollars_in_fenced_code_are_left_alone():
    html = render_markdown("```bash\necho $HOME $PATH\n```")
    assert math_count(html) == 0 and "$HOME" in html


def test_unsupported_latex_is_an_error_with_the_formula_and_line():
    with pytest.raises(MarkupError) as info:
        render_markdown("First line.\n\nThen $\\foo{x}$ here.")
    assert (info.value.line_offset, info.value.message) == (2, "unsupported LaTeX command \\foo in $\\foo{x}$")
    with pytest.raises(MarkupError) as info:
        render_markdown("$$\n\\frac{a}{\n$$")
    assert info.value.message.startswith("cannot read this formula") and info.value.line_offset == 0


def test_search_text_reads_formulas_as_latex():
    assert html_to_text(render_markdown("Use $\\sigma(x)$ here.")) == "Use \\sigma(x) here."


# --- Code --------------------------------------------------------------------------------

def test_fenced_code_is_highlighted_with_a_language_label_and_copy_button():
    html = render_markdown("```python\nimport os\n```")
    assert '<span class="code__lang">Python</span>' in html
    assert '<button type="button" class="code__copy" data-copy-code hidden>Copy</button>' in html
    assert '<span class="kn">import</span>' in html
    assert '<pre tabindex="0">' in html

def test_search_text_leaves_out_a_code_blocks_language_and_copy_button():
    html = render_markdown("Set it:\n\n```http\nCache-Control: max-age=3600\n```\n")
    assert "Copy" in html and "HTTP" in html  # (the bar is there on the page)
    assert html_to_text(html) == "Set it: Cache-Control: max-age=3600"



def test_unknown_language_falls_back_to_plain_text():
    html = render_markdown("```klingon\nqapla'\n```")
    assert '<span class="code__lang">klingon</span>' in html and "qapla" in html


def test_fenced_code_inside_a_list_item_keeps_its_highlighting():
    html = render_markdown("- step\n\n  ```python\n  x = 1\n  ```\n- next")
    assert html.index("<li>") < html.index('<span class="code__lang">Python</span>') < html.index("next")


# --- Lists, callouts, tasks, details ------------------------------------------------------

def test_nested_lists_with_two_space_indentation():
    assert render_markdown("- a\n  - b\n    - c\n- d") == (
        "<ul>\n<li>a<ul>\n<li>b<ul>\n<li>c</li>\n</ul>\n</li>\n</ul>\n</li>\n<li>d</li>\n</ul>")


def test_nested_lists_with_four_space_indentation_still_work():
    assert render_markdown("- a\n    - b\n- c") == "<ul>\n<li>a<ul>\n<li>b</li>\n</ul>\n</li>\n<li>c</li>\n</ul>"


def test_ordered_list_item_after_a_paragraph_in_the_item():
    html = render_markdown("1. one\n\n   more about one\n2. two")
    assert html.count("<li>") == 2


def test_task_lists_get_disabled_checkboxes():
    html = render_markdown("- [x] done\n- [ ] open")
    assert '<input aria-label="done" checked class="task-list__box" disabled type="checkbox">done' in html
    assert '<input aria-label="not done" class="task-list__box" disabled type="checkbox">open' in html


def test_details_blocks_render_the_markdown_inside():
    html = render_markdown("<details>\n<summary>Derivation</summary>\n\nSome *emphasis* and $x^2$.\n\n</details>")
    assert "<summary>Derivation</summary>" in html and "<em>emphasis</em>" in html and math_count(html) == 1


def test_tables_footnotes_and_definition_lists():
    html = render_markdown("| a | b |\n|---|---|\n| 1 | 2 |\n\nText[^1].\n\n[^1]: A note.\n\nTerm\n:   Definition")
    assert '<div aria-label="Table" class="table-scroll" role="region" tabindex="0"><table>' in html
    assert 'class="footnote"' in html and "<dl>" in html


# --- Raw HTML -----------------------------------------------------------------------------

def test_component_tags_in_prose_are_shown_as_text():
    assert render_markdown("Wrap the app in <StrictMode> or <React.Fragment />.") == (
        "<p>Wrap the app in &lt;StrictMode&gt; or &lt;React.Fragment /&gt;.</p>")


def test_raw_html_modes():
    text = 'Hi <b>there</b> <img src="x.png" onerror="alert(1)" alt="x"><script>alert(2)</script>'
    # 'allow' keeps raw HTML but, as GitHub does, shows its disallowed tags (script, style, iframe ...) as text.
    assert "<b>there</b>" in render_markdown(text) and "&lt;script&gt;alert(2)&lt;/script&gt;" in render_markdown(text)
    escaped = render_markdown(text, raw_html="escape")
    assert "&lt;b&gt;there&lt;/b&gt;" in escaped and "<script>" not in escaped
    clean = render_markdown(text + "\n\n$x$", raw_html="sanitize")
    assert "<b>there</b>" in clean and "onerror" not in clean and "<script>" not in clean
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in clean  # text, as GitHub shows it
    assert "<math" in clean and "<mi>x</mi>" in clean  # formulas survive sanitizing


# --- Several answers in one pass ----------------------------------------------------------

TYPICAL_ANSWERS = ["An answer with `code`, *emphasis* and $x^2$.", "- one\n- two\n\n```python\nx = 1\n```",
                   "| a | b |\n|---|---|\n| 1 | 2 |", "> [!TIP]\n> A callout.", "Costs $5 and $10."]


@pytest.mark.parametrize("raw_html", ["allow", "escape", "sanitize"])
def test_a_pages_answers_share_one_pass_with_the_same_result(raw_html):
    from studysite.markup import render_many

    assert render_many(TYPICAL_ANSWERS, raw_html) == [render_markdown(a, raw_html) for a in TYPICAL_ANSWERS]


@pytest.mark.parametrize("unsafe", ["A note.[^1]\n\n[^1]: Footnote.", "[ref]: https://example.com", "*[HTML]: markup",
                                    "<details>\n<summary>More</summary>", "```\nnever closed", "$\\notacommand{x}$",
                                    "studysite-split-c41e8d", "Press the ` key.", "> [docs]: https://example.com",
                                    "- item\n\n    [docs]: https://example.com", "> *[HTML]: Hyper Text"])
def test_answers_that_reach_beyond_themselves_are_converted_alone(unsafe):
    from studysite.markup import render_many

    assert render_many([TYPICAL_ANSWERS[0], unsafe], "allow") is None


def test_definitions_inside_list_items_keep_answers_from_sharing_a_pass():
    from studysite.markup import render_many

    assert render_many(["- [foo]: https://example.org", "see [foo]"]) is None
    assert render_many(["1. *[HTML]: markup", "HTML"]) is None


def test_absurdly_deep_nesting_renders_without_a_crash():
    assert "x" in render_markdown(">" * 500 + " x")
    assert "y" in render_markdown("".join("  " * depth + "- y\n" for depth in range(300)))


SCRIPT_LINKS = ["[x](javascript:alert(1))", "[x](JaVaScRiPt:alert(1))", "[x](java&#x09;script:alert(1))",
                "[x](  javascript:alert(1))", "[x](<javascript:alert(1)>)", "[x][r]\n\n[r]: javascript:alert(1)",
                "[x](vbscript:msgbox)", "[x](data:text/html,<script>alert(1)</script>)", "![i](javascript:alert(1))",
                "[x](https://example.com){: href='javascript:alert(1)' }"]


@pytest.mark.parametrize("mode", ["allow", "escape", "sanitize"])
@pytest.mark.parametrize("text", SCRIPT_LINKS)
def test_no_script_url_in_any_mode(mode, text):
    import html as html_module
    import re

    rendered = render_markdown(text, mode)
    for value in re.findall(r'(?:href|src)="([^"]*)"', rendered):
        plain = re.sub(r"[\t\n\r ]", "", html_module.unescape(value)).lower()
        assert not plain.startswith(("javascript:", "vbscript:", "data:")), rendered


@pytest.mark.parametrize("mode", ["allow", "escape", "sanitize"])
@pytest.mark.parametrize("attributes", ["autofocus onfocus=alert(1)", 'onclick="alert(1)"', "ONMOUSEOVER=alert(1)"])
def test_attribute_lists_never_add_event_handlers(mode, attributes):
    rendered = render_markdown(f"Para\n{{: {attributes} }}\n\n[link](x.html){{: {attributes} }}", mode)
    assert " on" not in rendered.lower(), rendered


def test_data_pictures_stay_images():
    assert 'src="data:image/png;base64,iVBO"' in render_markdown("![dot](data:image/png;base64,iVBO)", "escape")


@pytest.mark.parametrize("mode", ["allow", "escape", "sanitize"])
@pytest.mark.parametrize("formula", [r"$\text{<img/src/onerror=alert(1)>}$", r"$$\text{<svg/onload=alert(1)>}$$",
                                     r"$\href{javascript:alert(1)}{x}$", r'$\color{red" onclick="alert(1)}{x}$'])
def test_formulas_never_make_elements_or_handlers(mode, formula):
    import html5lib

    rendered = render_markdown(formula, mode)
    elements = list(html5lib.parse(rendered, namespaceHTMLElements=False).iter())
    assert not {element.tag.rpartition("}")[2] for element in elements} & {"img", "svg", "script"}, rendered
    for element in elements:
        assert not any(name.startswith("on") or "javascript:" in value for name, value in element.attrib.items())


def test_formula_text_keeps_symbols_and_escapes_markup():
    rendered = render_markdown(r"$\text{a < b & c} \le \mathbb{R}$")
    assert "<mtext>a&nbsp;&lt;&nbsp;b&nbsp;&amp;&nbsp;c</mtext><mo>≤</mo><mi>ℝ</mi>" in rendered


@pytest.mark.parametrize("formula, problem", [
    (r"$\frac{a$", "'{' is never closed"), (r"$a}$", "'}' closes a brace that was never opened"),
    (r"$\frac{a}$", "\\frac is missing an argument"), (r"$x^$", "a ^ or _ has nothing after it"),
])
def test_broken_formulas_are_errors_in_plain_words(formula, problem):
    with pytest.raises(MarkupError) as caught:
        render_markdown(f"Text\n\n{formula}")
    assert problem in caught.value.message and "Error" not in caught.value.message


@pytest.mark.parametrize("deep", ["".join("    " * level + "- item\n" for level in range(300)), ">" * 1000 + " deep\n",
                                  "".join("  " * level + "- item\n" for level in range(300))])
def test_nesting_too_deep_is_an_error_and_leaves_the_converter_working(deep):
    from studysite.markup import render_many

    try:
        render_many([deep, "Another answer."])
    except MarkupError:
        pass
    try:
        render_markdown(deep)
    except MarkupError as error:
        assert "nests lists or quotes too deeply" in error.message
    assert render_markdown("![A kernel](img/k.png)") == '<p><img alt="A kernel" src="img/k.png"></p>'
