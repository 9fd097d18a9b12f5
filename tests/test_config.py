"""site.yml -> SiteConfig."""

from __future__ import annotations

import pytest

from studysite.config import load_config
from studysite.errors import BuildFailed, ContentError
from studysite.model import SiteConfig

SITE_KEYS = "title, description, site_url, repo_url, language, raw_html, difficulty, downloads, feed, strings, extra_css, extra_js, social_image"


@pytest.fixture
def site_yml(tmp_path, monkeypatch):
    """site_yml(text) -> the path of a site.yml with that text; errors show it as 'site.yml'."""
    monkeypatch.chdir(tmp_path)

    def write(text: str):
        path = tmp_path / "site.yml"
        path.write_text(text, encoding="utf-8")
        return path
    return write


def failures(path) -> list[str]:
    with pytest.raises(BuildFailed) as info:
        load_config(path)
    return [str(error) for error in info.value.errors]


def test_missing_file_means_defaults(tmp_path):
    config = load_config(tmp_path / "site.yml")
    assert config == SiteConfig()
    assert (config.title, config.language, config.site_url) == ("Study notes", "en", "")


@pytest.mark.parametrize("text", ["", "# only a comment\n"])
def test_empty_file_means_defaults(site_yml, text):
    assert load_config(site_yml(text)) == SiteConfig()


def test_values_are_read(site_yml):
    config = load_config(site_yml(
        'title: "ML Interview Notes"\n'
        "description: Questions and answers.\n"
        "site_url: https://example.org/notes/\n"
        "repo_url: https://github.com/me/notes\n"
        "language: de\n"
    ))
    assert config == SiteConfig(
        title="ML Interview Notes", description="Questions and answers.",
        site_url="https://example.org/notes/", repo_url="https://github.com/me/notes", language="de",
    )


def test_unset_values_keep_defaults(site_yml):
    config = load_config(site_yml("description: Only this.\n"))
    assert config == SiteConfig(description="Only this.")


def test_site_url_gets_trailing_slash(site_yml):
    assert load_config(site_yml("site_url: https://example.org/notes\n")).site_url == "https://example.org/notes/"


def test_empty_site_url_stays_empty(site_yml):
    assert load_config(site_yml('site_url: ""\n')).site_url == ""


def test_unknown_key_with_suggestion(site_yml):
    assert failures(site_yml("title: Notes\nsite_ulr: https://example.org\n")) == [
        "site.yml:2: unknown key 'site_ulr' (did you mean 'site_url'?)\n"
        f"  hint: the keys you can use here are: {SITE_KEYS}"
    ]


def test_language_no_is_read_as_boolean(site_yml):
    # YAML 1.1 reads the Norwegian language code as false.
    assert failures(site_yml("title: Notes\nlanguage: no\n")) == [
        "site.yml:2: 'language' must be text, but YAML read 'no' as true/false\n"
        '  hint: put the value in quotes: language: "no"'
    ]


def test_empty_title(site_yml):
    assert failures(site_yml('title: ""\n')) == [
        "site.yml:1: 'title' is empty\n  hint: give the page a title: title: \"Your title\""
    ]


def test_all_problems_reported_together(site_yml):
    errors = failures(site_yml("titel: Notes\ndescription: [a, b]\nlanguage: en\n"))
    assert [e.split("\n")[0] for e in errors] == [
        "site.yml:1: unknown key 'titel' (did you mean 'title'?)",
        "site.yml:2: 'description' must be text, but YAML read '[a, b]' as a list",
    ]


def test_duplicate_key(site_yml):
    with pytest.raises(ContentError) as info:
        load_config(site_yml("title: A\nlanguage: en\ntitle: B\n"))
    assert str(info.value) == (
        "site.yml:3: invalid YAML: duplicate key 'title'\n"
        "  hint: remove one of the two lines; each key may appear once"
    )


@pytest.mark.parametrize("key", ["site_url", "repo_url"])
@pytest.mark.parametrize("value", ["notaurl", "javascript:alert(1)", "ftp://example.org/", "//example.org/x"])
def test_addresses_must_be_http_or_https(site_yml, key, value):
    assert failures(site_yml(f"{key}: \"{value}\"\n")) == [
        f"site.yml:1: '{key}' must be an http:// or https:// address, not '{value}'\n"
        f"  hint: write the whole address, for example {key}: \"https://me.github.io/notes/\""]
