"""An answer's raw HTML stays in its card, as a browser's HTML parser (html5lib) reads the page."""

from __future__ import annotations

from xml.etree import ElementTree

import html5lib
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from studysite.containment import contain_html

# The card around an answer, as templates/topic.html writes it, and what follows it on the page.
BEFORE = '<ol class="cards"><li class="item"><article id="card"><div id="answer">'
AFTER = ('</div><p id="marks">marks</p></article></li><li class="item" id="next-card">'
         '<article><p id="next">next</p></article></li></ol><footer id="footer">footer</footer>')

TOKENS = ["<div>", "</div>", "<li>", "</li>", "</ol>", "</ul>", "<ul>", "</article>", "<article>", "<p>", "</p>",
          "<b>", "</b>", "<i>", "<a href='x'>", "</a>", "<table>", "</table>", "<tr>", "<td>", "</td>", "<caption>",
          "<dl>", "<dt>", "<dd>", "<h2>", "</h2>", "<pre>", "</pre>", "<select>", "<option>", "<noscript>",
          "</noscript>", "<svg>", "</svg>", "<math>", "<template>", "</template>", "<form>", "</form>", "<button>",
          "<body hidden>", "<html style='x'>", "<br>", "</br>", "<hr/>", "<img src=x>", "<!--", "-->", "--!>",
          "<!-->", "<![CDATA[", "]]>", "<!DOCTYPE x>", "<?php", ">", "<", "\"", "'", "<div title=\"", "text", "\n",
          "\n\n", "&amp;", "</footer>", "<footer>", "</body>", "</html>"]


def tree_of(fragment: str) -> bytes:
    """A fragment as a browser's parser builds it, written out for comparison."""
    return ElementTree.tostring(html5lib.parseFragment(fragment, treebuilder="etree", namespaceHTMLElements=False))


def page_with(answer: str):
    """The page as a browser builds it from `answer` between a card's markup and the next card."""
    return html5lib.parse(BEFORE + answer + AFTER, treebuilder="etree", namespaceHTMLElements=False)


def assert_contained(answer: str) -> None:
    root = page_with(contain_html(answer))
    by_id = {element.get("id"): element for element in root.iter() if element.get("id")}
    parents = {child: parent for parent in root.iter() for child in parent}
    card, marks, next_card, footer = by_id.get("card"), by_id.get("marks"), by_id.get("next-card"), by_id.get("footer")
    assert card is not None and marks is not None and next_card is not None and footer is not None, answer
    assert parents[marks] is card, f"the card's own markup left the card: {answer!r}"
    assert parents[card].tag == "li" and parents[parents[card]].tag == "ol", answer
    assert parents[next_card] is parents[parents[card]], f"the next card left the list: {answer!r}"
    assert parents[footer].tag == "body", f"the footer was swallowed: {answer!r}"
    # Nothing the answer opened reaches the next card (no bold or link carried over, no hiding).
    assert [element.tag for element in by_id["next"].iter()] == ["p"], answer
    assert parents[by_id["next"]].tag == "article" and parents[parents[by_id["next"]]] is next_card, answer
    assert root.find("body").attrib == {} and root.attrib == {}, f"the page itself was restyled: {answer!r}"


@pytest.mark.parametrize("answer", [
    "A stray </div></div> and </li></ol></article>.", "An <b>unclosed bold and <i>italic.",
    "<!-- a --!></div></article></li></ol> -->", "<!--> </div></article> -->", "<![CDATA[ x > </div></article> ]]>",
    "> <!--<!--", "<pre>\n<!--</article></li></ol>", "<article>\n<!--\n</article>", "<li>a<caption><li>b",
    "<body hidden style=\"display:none\">\n\nx", "<noscript></div></article></noscript>", "<a title=\"unfinished",
    "<textarea>", "<select><option>x", "<template></div>", "<table><tr><td>cell", "<ul><li>one<li>two",
    "<dl><dt>a<dd>b</dl></li>", "<p><b>x<div>y</div>", "<svg><p></div></article></svg>", "<math><mi></li></math>",
])
def test_known_escapes_stay_in_the_card(answer):
    assert_contained(answer)


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.sampled_from(TOKENS), max_size=12))
def test_any_mix_of_tags_stays_in_the_card(tokens):
    assert_contained("".join(tokens))


def test_what_is_balanced_keeps_its_meaning():
    for answer in ["<p>Plain <b>bold</b> and <a href=\"x\">a link</a>.</p>", "<!-- a note --> text",
                   "<details open><summary>More</summary>\n<p>Hidden</p>\n</details>",
                   "<table><tr><td>a</td></tr></table>", "x &lt; y &amp;&amp; <br> <img src=\"a.png\" alt=\"a\" width=\"9\">",
                   '<div class="code" data-lang="js"><pre tabindex="0"><code>x</code></pre></div>']:
        assert tree_of(contain_html(answer)) == tree_of(answer), answer


def test_script_urls_are_dropped_and_page_tags_never_reach_the_page():
    assert contain_html('<a href="javascript:alert(1)">x</a> <a href="https://e.org">y</a>') == \
        '<a>x</a> <a href="https://e.org">y</a>'
    assert contain_html('<body onload="x()"><base href="https://evil.example/">text') == "text"
