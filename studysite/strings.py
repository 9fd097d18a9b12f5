"""The interface's words: one catalogue per language (templates/strings/<language>.yml), chosen by a
page's `language`, with site.yml's `strings:` over the site language's own. Templates call t(key, ...);
scripts call studysite.t(key, ...) on the catalogue's `scripts` part, which every page carries."""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from markupsafe import Markup, escape

from .errors import ContentError, did_you_mean, relative_to_cwd

FALLBACK = "en"  # the catalogue every other is checked against, and the words of a language without one
SCRIPTS = "scripts"  # the part of a catalogue the pages' scripts read (studysite.t)
PLURAL_FORMS = ("zero", "one", "two", "few", "many", "other")  # CLDR's plural categories
# A language tag's usual script, where catalogues are named by script: zh and zh-CN read zh-Hans.
_USUAL_SCRIPT = {"zh": "zh-hans", "zh-cn": "zh-hans", "zh-sg": "zh-hans", "zh-my": "zh-hans",
                 "zh-tw": "zh-hant", "zh-hk": "zh-hant", "zh-mo": "zh-hant"}
_SHARED_WITH_SCRIPTS = re.compile(r"^difficulty\.\w+$|^kind\.\w+\.label$")
_LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")


def plural_form(language: str, n: int) -> str:
    """The CLDR plural category of a whole number in a language ('one', 'few', 'other'...), as the
    browsers' Intl.PluralRules gives it (the scripts' plurals), for common languages; else English's."""
    primary = language.split("-")[0].lower()
    tail, last = n % 100, n % 10
    if primary in ("zh", "ja", "ko", "th", "vi", "id", "ms", "lo", "km", "my"):
        return "other"
    if primary == "ar":
        return ("zero" if n == 0 else "one" if n == 1 else "two" if n == 2 else "few" if 3 <= tail <= 10
                else "many" if 11 <= tail <= 99 else "other")
    if primary in ("ru", "uk", "be"):
        return "one" if last == 1 and tail != 11 else "few" if 2 <= last <= 4 and not 12 <= tail <= 14 else "many"
    if primary == "pl":
        return "one" if n == 1 else "few" if 2 <= last <= 4 and not 12 <= tail <= 14 else "many"
    if primary == "he":
        return "one" if n == 1 else "two" if n == 2 else "other"
    if primary == "fr" and n in (0, 1):
        return "one"
    if primary in ("fr", "es", "it", "pt", "ca") and n and n % 1_000_000 == 0:
        return "many"  # ("un million de questions")
    return "one" if n == 1 else "other"


def _entry_text(entry: Any, language: str, values: Mapping[str, Any]) -> str:
    if isinstance(entry, Mapping):  # plural forms, picked by the count
        return entry.get(plural_form(language, int(values["count"])), entry["other"])
    return entry


@dataclass(frozen=True)
class Catalogue:
    """One page's words: flat keys ('nav.topics') to a text or to its plural forms ({one: ..., other: ...})."""

    language: str  # the page's language tag, as written (its plurals)
    texts: Mapping[str, Any]

    def text(self, key: str, **values: Any) -> str:
        """The plain text of `key` with its {placeholders} filled; a `count` value picks the plural form."""
        entry = _entry_text(self.texts[key], self.language, values)
        return entry.format_map(values) if values else entry

    def markup(self, key: str, **values: Any) -> Markup:
        """t() in templates: the text escaped, and values escaped unless they are markup (a link)."""
        entry = _entry_text(self.texts[key], self.language, values)
        return escape(entry).format(**values) if values else escape(entry)

    @cached_property
    def for_scripts(self) -> dict[str, Any]:
        """What a page gives its scripts: its language and the `scripts` texts ('study.known' for scripts.study.known)."""
        prefix = SCRIPTS + "."
        own = {key[len(prefix):]: value for key, value in self.texts.items() if key.startswith(prefix)}
        # (and the words of kinds and difficulties, which search results show: under their own names)
        own.update((key, value) for key, value in self.texts.items() if _SHARED_WITH_SCRIPTS.match(key))
        return {"language": self.language, "strings": own}


@dataclass(frozen=True)
class _Layer:
    """One catalogue file's texts (or site.yml's strings:), with where each key is written."""

    source: str
    lines: Mapping[str, int]
    texts: Mapping[str, Any]


@dataclass(frozen=True)
class Catalogues:
    """Every language's catalogue layers, most specific first (a site's templates/strings/ over the theme's)."""

    layers: Mapping[str, tuple[_Layer, ...]]  # language tag in lower case -> its layers
    overrides: Mapping[str, Any]  # site.yml's strings:, for pages in the site's language
    site_language: str
    _made: dict[str, Catalogue] = field(default_factory=dict, compare=False, repr=False)  # (by language tag)

    def catalogue_tag(self, language: str) -> str | None:
        """The catalogue a language tag reads ('de-AT' -> 'de', 'zh-CN' -> 'zh-hans'), or None."""
        tag = language.lower()
        primary = tag.split("-")[0]
        for candidate in (tag, _USUAL_SCRIPT.get(tag), "-".join(tag.split("-")[:2]), primary, _USUAL_SCRIPT.get(primary)):
            if candidate in self.layers:
                return candidate
        return None

    def for_language(self, language: str) -> Catalogue:
        """The words of a page in `language`: its catalogue, English where it has no text, and the site's own."""
        if language in self._made:
            return self._made[language]
        found = self.catalogue_tag(language)
        texts: dict[str, Any] = {}
        for layer in reversed([*self.layers.get(found or "", ()), *self.layers[FALLBACK]]):
            texts.update(layer.texts)
        if found == self.catalogue_tag(self.site_language):
            texts.update(self.overrides)
        return self._made.setdefault(language, Catalogue(language, texts))


def load_catalogues(template_dirs: tuple[Path, ...], config: Any, config_file: Path,
                    errors: list[ContentError]) -> Catalogues:
    """Every strings/<language>.yml of the template folders, each checked against English: a name English
    lacks, a text that is not one, or placeholders that differ from English's is an error at its line."""
    from .frontmatter import load_yaml

    layers: dict[str, list[_Layer]] = {}
    for folder in template_dirs:
        for path in sorted((folder / "strings").glob("*.yml")):
            where = relative_to_cwd(path)
            if not _LANGUAGE_TAG.match(path.stem):
                errors.append(ContentError(where, None, f"'{path.name}' is not named by a language tag",
                                           "name a catalogue by the language it holds: de.yml, pt-BR.yml, zh-Hans.yml"))
                continue
            try:
                text = path.read_text(encoding="utf-8")
                data = load_yaml(text, Path(where), 1)
            except ContentError as error:
                errors.append(error)
                continue
            except (OSError, UnicodeDecodeError) as exc:
                errors.append(ContentError(where, None, f"cannot read this catalogue: {exc}", "save it as UTF-8 text"))
                continue
            if not isinstance(data, Mapping):
                errors.append(ContentError(where, 1, "a catalogue is a mapping of names to texts",
                                           "start from a copy of the theme's strings/en.yml"))
                continue
            layers.setdefault(path.stem.lower(), []).append(_texts_of(data, where, _key_lines(text), errors))
    english: dict[str, Any] = {}
    for layer in reversed(layers.get(FALLBACK, [])):
        english.update(layer.texts)
    for tag, found in layers.items():
        for layer in found if tag != FALLBACK else ():  # (a site's own en.yml may name texts for its own templates)
            _check_against(layer, english, errors)
    site = None
    if config.strings:  # site.yml's strings: for the site's language
        text = config_file.read_text(encoding="utf-8", errors="replace")
        lines = {name.removeprefix("strings."): line for name, line in _key_lines(text).items() if name.startswith("strings.")}
        site = _texts_of(_thawed(config.strings), relative_to_cwd(config_file), lines, errors)
        _check_against(site, english, errors)
    return Catalogues({tag: tuple(found) for tag, found in layers.items()}, site.texts if site else {}, config.language)


def _thawed(pairs: tuple) -> dict[str, Any]:
    """SiteConfig's frozen strings: back into mappings."""
    return {key: _thawed(value) if isinstance(value, tuple) else value for key, value in pairs}


def _key_lines(text: str) -> dict[str, int]:
    """Each flat name's line in a catalogue file, nested names by their indentation."""
    lines: dict[str, int] = {}
    stack: list[tuple[int, str]] = []
    for number, line in enumerate(text.splitlines(), 1):
        match = re.match(r"^( *)(\"[^\"]*\"|'[^']*'|[^\s#:\"'][^:]*?):(?:\s|$)", line)
        if not match:
            continue
        indent, key = len(match.group(1)), match.group(2).strip("\"'")
        while stack and stack[-1][0] >= indent:
            stack.pop()
        stack.append((indent, key))
        lines[".".join(name for _, name in stack)] = number
    return lines


def _is_plural(value: Any) -> bool:
    return isinstance(value, Mapping) and "other" in value and all(key in PLURAL_FORMS for key in value)


def _texts_of(data: Mapping, source: str, lines: Mapping[str, int], errors: list[ContentError]) -> _Layer:
    """A catalogue's nested names flattened ('nav': {'topics': ...} -> 'nav.topics'); what is not a text reported."""
    texts: dict[str, Any] = {}

    def walk(node: Mapping, prefix: str) -> None:
        for key, value in node.items():
            name = f"{prefix}{key}"
            if _is_plural(value) and all(isinstance(form, str) for form in value.values()):
                texts[name] = dict(value)
            elif isinstance(value, Mapping) and not _is_plural(value):
                walk(value, name + ".")
            elif isinstance(value, str):
                texts[name] = value
            else:
                errors.append(ContentError(source, lines.get(name), f"'{name}' must be a text",
                                           "quote it; plural forms are a mapping such as {one: \"{count} card\", other: \"{count} cards\"}"))
    walk(data, "")
    return _Layer(source, lines, texts)


def _placeholders(entry: Any) -> set[str]:
    forms = entry.values() if isinstance(entry, Mapping) else (entry,)
    names = set()
    for form in forms:
        try:
            names |= {name for _, name, _, _ in string.Formatter().parse(form) if name is not None}
        except ValueError:
            names.add("{")  # an unmatched brace: never equal to English's
    return names


def _check_against(layer: _Layer, english: Mapping[str, Any], errors: list[ContentError]) -> None:
    for key, value in layer.texts.items():
        line = layer.lines.get(key)
        if key not in english:
            errors.append(ContentError(layer.source, line, f"unknown text name '{key}'{did_you_mean(key, list(english))}",
                                       "the names are those of the theme's strings/en.yml"))
            continue
        wanted = _placeholders(english[key])
        if isinstance(english[key], Mapping):  # every form has every value but the count ("one card" spells it out)
            wanted -= {"count"}
            forms = value.values() if isinstance(value, Mapping) else (value,)
            right = all(_placeholders(form) - {"count"} == wanted for form in forms)
        else:
            right = _placeholders(value) == wanted
        if not right:
            braces = ", ".join("{" + name + "}" for name in sorted(wanted)) or "none"
            errors.append(ContentError(layer.source, line, f"'{key}' must use the placeholders {braces}",
                                       "keep every {name} of the English text, spelled the same; write {{ and }} for a brace"))
