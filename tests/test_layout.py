"""The package's shape: no import cycles (imports inside functions count), no module too long to read."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "studysite"
LONGEST_MODULE = 500


def package_imports() -> dict[str, set[str]]:
    """Each module of the package -> the package modules it imports, anywhere in its code."""
    graph: dict[str, set[str]] = {}
    for path in sorted(PACKAGE.glob("*.py")):
        name = path.stem
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level == 1:
                if node.module:
                    found.add(node.module.split(".")[0])
                else:
                    found.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("studysite."):
                found.add(node.module.split(".")[1])
            elif isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "import_module" and node.args \
                    and isinstance(node.args[0], ast.Constant) and str(node.args[0].value).startswith("."):
                found.add(node.args[0].value[1:])
        graph[name] = {module for module in found if (PACKAGE / f"{module}.py").exists()} - {name, "__init__"}
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle as a list of modules (first == last), or None."""
    state: dict[str, str] = {}
    trail: list[str] = []

    def visit(module: str) -> list[str] | None:
        state[module] = "open"
        trail.append(module)
        for imported in sorted(graph.get(module, ())):
            if state.get(imported) == "open":
                return trail[trail.index(imported):] + [imported]
            if imported not in state and (cycle := visit(imported)):
                return cycle
        state[module] = "done"
        trail.pop()
        return None

    for module in sorted(graph):
        if module not in state and (cycle := visit(module)):
            return cycle
    return None


def test_the_cycle_finder_finds_cycles():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_the_package_has_no_import_cycle():
    graph = package_imports()
    assert "builder" in graph and graph["cli"], "the import scan found nothing"
    assert find_cycle(graph) is None, " -> ".join(find_cycle(graph))


def test_no_module_is_too_long_to_read_in_one_sitting():
    lengths = {path.name: len(path.read_text(encoding="utf-8").splitlines()) for path in PACKAGE.glob("*.py")}
    assert {name: n for name, n in lengths.items() if n > LONGEST_MODULE} == {}


def test_page_kinds_are_declared_once_and_complete():
    from studysite.model import KINDS, Kind
    from studysite.theme import bundled

    assert set(KINDS) == set(Kind)
    for field in ("suffix", "template", "body", "scaffold", "subject_order", "main_order"):
        values = [getattr(spec, field) for spec in KINDS.values()]
        assert len(set(values)) == len(values), field
    for spec in KINDS.values():
        assert (bundled("templates") / spec.template).is_file() and (bundled("templates") / spec.scaffold).is_file()


def test_templates_name_kinds_never_by_position():
    from studysite.theme import bundled

    for template in bundled("templates").rglob("*.html"):
        assert "kinds[" not in template.read_text(encoding="utf-8"), template.name


def test_browser_code_is_one_small_script_per_feature():
    import re

    from studysite.theme import bundled

    scripts = {path.name: path.read_text(encoding="utf-8") for path in bundled("static").glob("*.js")}
    assert {name: text.count("\n") for name, text in scripts.items() if text.count("\n") > 400} == {}
    from studysite.theme import FEATURE_SCRIPTS

    listed = list(FEATURE_SCRIPTS)
    assert listed[0] == "core.js" and sorted(listed) == sorted(scripts)  # every script is loaded, core first
    for name, text in scripts.items():
        assert not re.search(r"^\s*(import|export)\s", text, re.MULTILINE), name  # no ES modules: they fail on file://
        if name not in ("core.js", "fsrs.js"):  # (the scheduler is a library the features share)
            assert f'studysite.feature("{name.removesuffix(".js")}"' in text, name


def test_the_search_index_names_its_fields_once():
    import json

    from studysite.render import SEARCH_PAGE_FIELDS, SEARCH_QUESTION_FIELDS, search_index
    from studysite.model import Site, SiteConfig

    text = search_index(Site(config=SiteConfig(), categories=()), []).decode()
    data = json.loads(text.removeprefix("window.studysiteSearchIndex=").rstrip(";\n"))
    assert data == {"fields": {"page": list(SEARCH_PAGE_FIELDS), "question": list(SEARCH_QUESTION_FIELDS)},
                    "categories": {}, "pages": []}
