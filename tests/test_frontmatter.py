"""Reading a file and its front matter: line numbers, strict YAML, encodings."""

from __future__ import annotations

import pytest

from page_tools import PATH, src

from studysite.errors import ContentError
from studysite.frontmatter import load_yaml, read_text, split_front_matter

# --- split_front_matter and load_yaml -----------------------------------------------------------

def test_split_front_matter_returns_line_numbers():
    text = src("---", "title: A", "tags: [x]", "---", "Intro.", "## Q [easy]")
    assert split_front_matter(text, PATH) == ("title: A\ntags: [x]", 2, "Intro.\n## Q [easy]\n", 5)


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
