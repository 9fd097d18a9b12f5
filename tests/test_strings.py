"""The interface's words (issue 17): one catalogue per language, chosen by `language`, checked against
English; site.yml's strings: renames the page kinds; and no English left in a template or script."""

from __future__ import annotations

import re
import string
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from conftest import run_cli, write_files
from studysite.strings import PLURAL_FORMS, plural_form

ROOT = Path(__file__).resolve().parent.parent
STRINGS = ROOT / "templates" / "strings"
SHIPPED = ["de", "es", "fr", "zh-Hans", "ar"]
# The plural forms each shipped language has (CLDR, as browsers' Intl.PluralRules gives them for whole numbers).
FORMS = {"en": {"one", "other"}, "de": {"one", "other"}, "es": {"one", "many", "other"},
         "fr": {"one", "many", "other"}, "zh-Hans": {"other"}, "ar": set(PLURAL_FORMS)}


def flat(data: dict, prefix: str = "") -> dict:
    out = {}
    for key, value in data.items():
        if isinstance(value, dict) and not (value and set(value) <= set(PLURAL_FORMS)):
            out.update(flat(value, f"{prefix}{key}."))
        else:
            out[f"{prefix}{key}"] = value
    return out


def catalogue(language: str) -> dict:
    return flat(yaml.safe_load((STRINGS / f"{language}.yml").read_text(encoding="utf-8")))


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


# ---- The catalogues ----

def test_every_language_the_issue_names_is_shipped():
    assert sorted(p.stem for p in STRINGS.glob("*.yml")) == sorted(["en", *SHIPPED])


@pytest.mark.parametrize("language", SHIPPED)
def test_a_catalogue_has_every_text_of_english_with_the_same_placeholders(language):
    english, other = catalogue("en"), catalogue(language)
    assert sorted(set(english) - set(other)) == [], "missing"
    assert sorted(set(other) - set(english)) == [], "unknown"
    for key, text in english.items():
        if isinstance(text, dict):
            assert isinstance(other[key], dict), key
            assert set(other[key]) == FORMS[language], (key, sorted(other[key]))
            wanted = set().union(*(placeholders(form) for form in text.values())) - {"count"}
            for form, value in other[key].items():
                # Every value but the count itself in every form ("سؤال واحد" says its one in words).
                assert placeholders(value) - {"count"} == wanted, (key, form, value)
        else:
            assert isinstance(other[key], str), key
            assert placeholders(other[key]) == placeholders(text), (key, other[key])
            assert other[key].strip() or not text.strip(), key


@pytest.mark.parametrize("language", SHIPPED)
def test_a_translation_is_a_translation(language):
    """Most texts differ from English (names such as Anki, JSON and "Tutorial" may not)."""
    english, other = catalogue("en"), catalogue(language)
    same = [key for key, text in english.items() if isinstance(text, str) and text == other[key] and re.search(r"[a-z]{4}", text)]
    assert len(same) < 12, same


def test_english_plural_entries_have_one_and_other():
    for key, text in catalogue("en").items():
        if isinstance(text, dict):
            assert set(text) == FORMS["en"], key


@pytest.mark.parametrize(("language", "numbers"), [
    ("en", {0: "other", 1: "one", 2: "other", 21: "other"}),
    ("de", {1: "one", 5: "other"}),
    ("fr", {0: "one", 1: "one", 2: "other", 1_000_000: "many"}),
    ("es", {0: "other", 1: "one", 1_000_000: "many", 1_000_001: "other"}),
    ("zh-Hans", {0: "other", 1: "other", 2: "other"}),
    ("ar", {0: "zero", 1: "one", 2: "two", 3: "few", 10: "few", 11: "many", 99: "many", 100: "other", 102: "other",
            103: "few", 111: "many"}),
    ("ru", {1: "one", 2: "few", 5: "many", 11: "many", 21: "one", 22: "few"}),
])
def test_plural_forms_follow_cldr(language, numbers):
    assert {n: plural_form(language, n) for n in numbers} == numbers


# ---- Pages in a language ----

def read(root: Path, path: str) -> str:
    return (root / "_site" / path).read_text(encoding="utf-8")


def test_the_site_language_chooses_the_catalogue(make_site):
    root = make_site({"site.yml": "title: Notizen\nlanguage: de\n"})
    assert run_cli(root, "build") == 0
    german = catalogue("de")
    page = read(root, "nn/gradients.html")
    assert '<html lang="de" dir="ltr">' in page
    for key in ("site.topics", "site.review", "topic.study_mode", "page.checklist", "topic.show_answer"):
        assert german[key] in page.replace("&amp;", "&"), key
    assert catalogue("en")["topic.study_mode"] not in page
    assert german["kind.interview.count"]["other"].format(count=2) in page.replace("&amp;", "&")
    home = read(root, "index.html")
    assert german["count.question"]["other"].format(count=2) in home
    # The scripts get the same language's words.
    assert '"language": "de"' in page and german["scripts.study.show"] in page


def test_a_page_in_another_language_gets_its_words_and_direction(make_site):
    root = make_site({"content/nn/arabic.md": "---\ntitle: تدرج\nlanguage: ar\n---\n\n## ما هو؟ [easy]\n\nجواب.\n"})
    assert run_cli(root, "build") == 0
    arabic, english = catalogue("ar"), catalogue("en")
    page = read(root, "nn/arabic.html")
    assert '<html lang="ar" dir="rtl">' in page
    assert arabic["topic.study_mode"] in page and english["topic.study_mode"] not in page
    assert arabic["kind.interview.count"]["one"].format(count=1) in page
    other = read(root, "nn/gradients.html")
    assert english["topic.study_mode"] in other and '<html lang="en" dir="ltr">' in other


@pytest.mark.parametrize(("tag", "catalogue_name"), [("zh", "zh-Hans"), ("zh-CN", "zh-Hans"), ("de-AT", "de"), ("ES", "es")])
def test_a_language_tag_finds_its_catalogue(make_site, tag, catalogue_name):
    root = make_site({"site.yml": f"language: {tag}\n"})
    assert run_cli(root, "build") == 0
    assert catalogue(catalogue_name)["site.review"] in read(root, "index.html")


def test_a_language_without_a_catalogue_reads_english_and_says_so(make_site, capsys):
    root = make_site({"site.yml": "language: pt-BR\n"})
    assert run_cli(root, "build") == 0
    assert catalogue("en")["site.review"] in read(root, "index.html")
    err = capsys.readouterr().err
    assert "site.yml" in err and "pt-BR" in err and "templates/strings/pt-BR.yml" in err


def test_a_site_names_its_pages_its_own_way(make_site):
    root = make_site({"site.yml": 'language: en\nstrings:\n  kind.interview.label: Revision questions\n'
                                  '  kind.interview.count: {one: "{count} question", other: "{count} questions"}\n'
                                  '  kind:\n    interview:\n      short: Revise\n'})
    assert run_cli(root, "build") == 0
    page = read(root, "nn/gradients.html")
    assert "Revision questions" in page and "2 questions" in page
    assert "Interview Questions" not in page and "Essential Q&amp;A" not in page
    assert "Revision questions" in read(root, "tags/vanishing.html")


def test_a_site_adds_a_language_with_its_own_catalogue(make_site):
    root = make_site({"site.yml": "language: pt\n",
                      "templates/strings/pt.yml": "site:\n  review: Revisão\n  topics: Tópicos\n"})
    assert run_cli(root, "build") == 0
    home = read(root, "index.html")
    assert "Revisão" in home and "Tópicos" in home and catalogue("en")["site.checklist"] in home  # the rest in English


@pytest.mark.parametrize(("files", "where", "message"), [
    ({"site.yml": "strings:\n  kind.interview.lable: Revision\n"}, "site.yml:2", "unknown text name 'kind.interview.lable'"),
    ({"site.yml": "strings:\n  topic.known: \"{known} known\"\n"}, "site.yml:2", "'topic.known' must use the placeholders {known}, {total}"),
    ({"site.yml": "strings: [a, b]\n"}, "site.yml:1", "'strings' must be a mapping"),
    ({"site.yml": 'strings:\n  count.card: {one: "one {x}", other: "{count} of them"}\n'}, "site.yml:2",
     "'count.card' must use the placeholders none"),
    ({"site.yml": 'strings:\n  scripts.progress.overall: {one: "{known} of one", other: "{count} questions"}\n'}, "site.yml:2",
     "'scripts.progress.overall' must use the placeholders {known}"),
    ({"templates/strings/de.yml": "site:\n  review: Wiederholen\n  topics:\n    - a\n"}, "templates/strings/de.yml:3", "'site.topics' must be a text"),
    ({"templates/strings/de.yml": "site:\n  reveiw: Wiederholen\n"}, "templates/strings/de.yml:2", "did you mean 'site.review'"),
    ({"templates/strings/de.yml": "count:\n  card: {one: \"{count} Karte\", other: \"{count} Karten {x}\"}\n"},
     "templates/strings/de.yml:2", "'count.card' must use the placeholders none"),
    ({"templates/strings/de.yml": "site: [\n"}, "templates/strings/de.yml", "YAML"),
    ({"templates/strings/not a tag.yml": "site: {}\n"}, "not a tag.yml", "is not named by a language tag"),
])
def test_a_bad_catalogue_is_an_error_at_its_line(make_site, capsys, files, where, message):
    root = make_site(files)
    assert run_cli(root, "build") != 0
    err = capsys.readouterr().err
    assert where in err and message in err, err
    assert "hint:" in err and "Traceback" not in err
    assert not (root / "_site").exists()


# ---- No English outside the catalogue ----

# Templates that are not the learner's interface: the author's build-error page (the dev server's,
# in the CLI's language) and the machine-read files.
NOT_INTERFACE = {"build-error.html"}
ATTRIBUTES = {"aria-label", "title", "placeholder", "alt", "label", "aria-valuetext"}  # (a <meta>'s content is for machines)


class _Words(HTMLParser):
    """The words a template shows: its text and labelling attributes, with Jinja taken out."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.hidden += 1
        for name, value in attrs:
            if name in ATTRIBUTES and value:
                self.found.append(f"{tag}[{name}]: {value}")

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.hidden -= 1

    def handle_data(self, data):
        if not self.hidden and data.strip():
            self.found.append(data.strip())


def words_of_template(text: str) -> list[str]:
    text = re.sub(r"\{#.*?#\}|\{%.*?%\}|\{\{.*?\}\}", " ", text, flags=re.S)
    parser = _Words()
    parser.feed(text)
    return [w for w in parser.found if re.search(r"[A-Za-z]{2,}", w.split(": ", 1)[-1])]


def test_no_template_shows_a_word_outside_the_catalogue():
    found = {}
    for path in sorted((ROOT / "templates").glob("*.html")):
        if path.name not in NOT_INTERFACE:
            words = words_of_template(path.read_text(encoding="utf-8"))
            if words:
                found[path.name] = words
    assert found == {}


def test_the_template_check_finds_english():
    assert words_of_template('<p title="Go home">{{ t("x") }} Hello</p><span aria-label="{{ t(\'y\') }}">·</span>') == \
        ["p[title]: Go home", "Hello"]


# A script's strings that are not words a learner reads: keys, selectors, class names, events, formats,
# and key names; the messages of errors and the console are for developers.
_JS_STRING = re.compile(r'"((?:[^"\\\n]|\\.)*)"|\'((?:[^\'\\\n]|\\.)*)\'')
_NOT_WORDS = re.compile(r"^(?:[a-z.\d][\w.-]*|[\w-]+:[\w:-]*|.*[\[\]=#>(){}$^|\\/].*|.*(?:__|--).*|[a-z-]+(?:,? [a-z-]+)*,?)$")
_KEY_NAMES = {"Escape", "Enter", "Tab", "ArrowUp", "ArrowDown", "ArrowLeft", "ArrowRight", "Home", "End", "TEXTAREA",
              "SELECT", "INPUT", "UTC", "NFKD", "DOMContentLoaded"}
_DEVELOPERS = re.compile(r"new Error\([^;]*?\)|console\.\w+\([^;]*?\)")


def words_of_script(text: str) -> list[str]:
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    text = re.sub(r"(?m)^\s*//.*$|(?<=[;{}),])\s*//.*$", " ", text)
    text = _DEVELOPERS.sub(" ", text)
    found = []
    for match in _JS_STRING.finditer(text):
        value = match.group(1) if match.group(1) is not None else match.group(2)
        if re.search(r"[A-Za-z]{2,}", value) and not _NOT_WORDS.match(value) and value not in _KEY_NAMES:
            found.append(value)
    return found


def test_no_script_says_a_word_outside_the_catalogue():
    found = {path.name: words for path in sorted((ROOT / "static").glob("*.js"))
             if (words := words_of_script(path.read_text(encoding="utf-8")))}
    assert found == {}


def test_the_script_check_finds_english():
    assert words_of_script('x.textContent = "Copied"; y = t("code.copy"); $("[data-x=y]"); z = "Link copied";'
                           ' // "Not this"\n el.key === "Escape"; throw new Error("for developers");'
                           ' el.className = "card card--hard"; a = "Saved.";') == ["Copied", "Link copied", "Saved."]
