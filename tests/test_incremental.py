"""The fast paths give exactly what a clean build gives: cached, incremental and dev-server builds."""

from __future__ import annotations

import os
import pickle
import shutil
from pathlib import Path

import pytest

from conftest import REPO, run_cli, write_files
from studysite.builder import Builder
from studysite.project import Project
from studysite.output import MARKER

TOPIC = "---\ntitle: \"{title}\"\ntags: [{tags}]\nchecklist: [\"{title} point\"]\n---\n\n## What is {title}? [easy]\n\n{answer}\n"


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name != MARKER}


def clean_build(root: Path, output: Path) -> dict[str, bytes]:
    shutil.rmtree(output, ignore_errors=True)
    Builder(Project(root, root / "content", output), use_cache=False).build()
    return tree(output)


@pytest.fixture
def project(tmp_path) -> Path:
    root = tmp_path / "site"
    shutil.copytree(REPO / "templates", root / "templates")
    shutil.copytree(REPO / "static", root / "static")
    write_files(root, {
        "site.yml": "title: Incremental\n",
        "content/nn/_category.yml": "title: Neural nets\norder: 1\n",
        "content/nn/alpha.md": TOPIC.format(title="Alpha", tags="A, B", answer="See [beta](beta.md)."),
        "content/nn/beta.md": TOPIC.format(title="Beta", tags="B", answer="Beta answer."),
        "content/nn/beta.mcq.md": "---\ntitle: Beta quiz\n---\n\n## Pick [easy]\n\n- [x] yes\n- [ ] no\n",
        "content/opt/gamma.md": TOPIC.format(title="Gamma", tags="A", answer="Gamma $x^2$ answer."),
    })
    return root


def edit(root: Path, name: str, old: str, new: str) -> None:
    path = root / name
    path.write_text(path.read_text().replace(old, new))


EDITS = [
    ("answer text", lambda r: edit(r, "content/nn/beta.md", "Beta answer.", "Beta answer, longer.")),
    ("title", lambda r: edit(r, "content/nn/beta.md", 'title: "Beta"', 'title: "Beta two"')),
    ("tags", lambda r: edit(r, "content/opt/gamma.md", "tags: [A]", "tags: [A, C]")),
    ("add topic", lambda r: write_files(r, {"content/opt/delta.md": TOPIC.format(title="Delta", tags="C", answer="D.")})),
    ("remove topic", lambda r: (r / "content/opt/delta.md").unlink()),
    ("rename topic and its link", lambda r: ((r / "content/nn/beta.md").rename(r / "content/nn/beta2.md"),
                                              edit(r, "content/nn/alpha.md", "(beta.md)", "(beta2.md)"))),
    ("template", lambda r: edit(r, "templates/topic.html", "Essential Q&A", "Essential questions")),
    ("site.yml", lambda r: edit(r, "site.yml", "Incremental", "Incremental two")),
    ("category", lambda r: edit(r, "content/nn/_category.yml", "Neural nets", "Networks")),
    ("asset", lambda r: write_files(r, {"content/nn/img/x.svg": '<svg width="4" height="3"></svg>',
                                         "content/nn/alpha.md": TOPIC.format(title="Alpha", tags="A", answer="![x](img/x.svg)")})),
    ("static", lambda r: edit(r, "static/style.css", "--radius: 12px", "--radius: 10px")),
    ("quiz", lambda r: edit(r, "content/nn/beta.mcq.md", "- [ ] no", "- [ ] no\n- [ ] maybe")),
    ("new category", lambda r: write_files(r, {"content/rnn/eps.md": TOPIC.format(title="Eps", tags="A", answer="E.")})),
    ("category file added", lambda r: write_files(r, {"content/opt/_category.yml": "title: Optimisation\norder: 0\n"})),
    ("empty folder beside an edit", lambda r: ((r / "content/empty").mkdir(),
                                                edit(r, "content/opt/gamma.md", "Gamma", "Gamma two"))),
    ("category removed", lambda r: shutil.rmtree(r / "content/rnn")),
]


def test_incremental_builds_equal_clean_builds_after_every_edit(project, tmp_path):
    dev = Builder(Project(project, project / "content", project / "_site"))  # the dev server's way
    dev.build()
    cli_output = tmp_path / "cli"
    run_cli(project, "build", "--output", str(cli_output))
    for name, change in EDITS:
        change(project)
        dev.build()
        assert run_cli(project, "build", "--output", str(cli_output)) == 0  # a fresh process, the disk cache
        expected = clean_build(project, tmp_path / "clean")
        assert tree(project / "_site") == expected, f"dev-server build differs after: {name}"
        assert tree(cli_output) == expected, f"cached CLI build differs after: {name}"


def test_an_edit_rewrites_only_what_shows_it(project):
    builder = Builder(Project(project, project / "content", project / "_site"))
    builder.build()
    edit(project, "content/opt/gamma.md", "Gamma $x^2$ answer.", "Gamma answer, reworded.")
    result = builder.build()
    assert result.rendered == 2  # its own page and its cards for review sessions; no listing shows answers
    assert sorted(result.written.changed) == ["opt/gamma.cards.js", "opt/gamma.html", "search-index.js"]


def test_no_op_build_touches_nothing_and_loads_nothing(project, capsys):
    assert run_cli(project, "build") == 0
    before = {p: p.stat().st_mtime_ns for p in (project / "_site").rglob("*")}
    capsys.readouterr()
    assert run_cli(project, "build") == 0
    assert capsys.readouterr().out.startswith("Up to date: ")
    assert {p: p.stat().st_mtime_ns for p in (project / "_site").rglob("*")} == before
    builder = Builder(Project(project, project / "content", project / "_site"))
    assert builder.build().up_to_date and builder.cache._state is None  # the big cache file was never read


def test_deleted_output_is_rebuilt(project):
    run_cli(project, "build")
    (project / "_site/nn/alpha.html").unlink()
    run_cli(project, "build")
    assert (project / "_site/nn/alpha.html").exists()


@pytest.mark.parametrize("damage", [b"not a pickle", b"", pickle.dumps({"unexpected": "shape"})])
def test_a_damaged_cache_is_ignored_and_said(project, capsys, damage):
    run_cli(project, "build")
    expected = tree(project / "_site")
    for name in ("state.pickle", "manifest.pickle"):
        (project / ".studysite-cache" / name).write_bytes(damage)
    edit(project, "content/nn/beta.md", "Beta answer.", "Beta answer.")  # touch nothing real
    capsys.readouterr()
    assert run_cli(project, "build") == 0
    assert "could not be read" in capsys.readouterr().err
    assert tree(project / "_site") == expected


class _Planted:
    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return (Path.touch, (self.marker,))


def test_a_planted_cache_runs_no_code(project, capsys):
    """A repository may commit its cache: a pickle is unpickled only when signed with this user's key."""
    run_cli(project, "build")
    expected = tree(project / "_site")
    marker = project.parent / "ran"
    for name in ("state.pickle", "manifest.pickle"):
        (project / ".studysite-cache" / name).write_bytes(pickle.dumps(_Planted(marker)))
    edit(project, "content/nn/beta.md", "Beta answer.", "Beta answer.")
    capsys.readouterr()
    assert run_cli(project, "build") == 0
    assert not marker.exists()
    assert "not signed by this user's key" in capsys.readouterr().err
    assert tree(project / "_site") == expected


def test_a_cache_from_another_version_is_not_used(project, monkeypatch):
    run_cli(project, "build")
    from studysite import cache

    # Any change to studysite's own code makes another version: no format number to forget to bump.
    other_code = project.parent / "other-code"
    other_code.mkdir()
    (other_code / "changed.py").write_text("x = 1\n")
    monkeypatch.setattr(cache, "PACKAGE", other_code)
    cache.cache_version.cache_clear()
    try:
        fresh = Builder(Project(project, project / "content", project / "_site"))
        assert fresh.cache.manifest.inputs == {}  # ignored: everything is built again
        result = fresh.build()
        assert not result.up_to_date and result.rendered > 0
    finally:
        cache.cache_version.cache_clear()


def test_clean_flag_ignores_the_cache(project, capsys):
    run_cli(project, "build")
    capsys.readouterr()
    assert run_cli(project, "build", "--clean") == 0
    assert not capsys.readouterr().out.startswith("Up to date")


def test_the_cache_lives_in_an_ignored_folder(project):
    run_cli(project, "build")
    assert (project / ".studysite-cache/.gitignore").read_text() == "*\n"


def test_two_clean_builds_are_byte_identical(project, tmp_path):
    assert clean_build(project, tmp_path / "one") == clean_build(project, tmp_path / "two")


def test_outputs_rewritten_behind_the_cache_cost_one_full_check_not_every_build(project):
    run_cli(project, "build")
    for path in (project / "_site").rglob("*"):  # as 'build --clean' or a copy from elsewhere would
        if path.is_file():
            os.utime(path, ns=(path.stat().st_mtime_ns + 5 * 10**9,) * 2)
    builder = Builder(Project(project, project / "content", project / "_site"))
    assert builder.build().rendered > 1  # the recorded times no longer match: everything is checked once
    for answer in ("first", "second"):
        edit(project, "content/opt/gamma.md", "answer", f"answer {answer}")
        assert builder.build().rendered == 2  # its page and its cards


def test_clean_build_saves_a_cache_the_next_edit_uses(project, capsys):
    run_cli(project, "build", "--clean")
    edit(project, "content/opt/gamma.md", "answer", "answer again")
    builder = Builder(Project(project, project / "content", project / "_site"))
    assert builder.build().rendered == 2  # its page and its cards


def test_parallel_parsing_and_rendering_give_what_one_process_gives(tmp_path, monkeypatch):
    import studysite.parallel as builder_module

    root = tmp_path / "big"
    write_files(root, {f"content/c{i % 7}/t{i:03}.md": TOPIC.format(title=f"T{i}", tags=f"A{i % 5}", answer=f"A {i}.")
                       for i in range(230)})
    project = Project(root, root / "content", root / "_site")
    result = Builder(project, use_cache=False).build()
    assert len(result.site.pages) > builder_module.PARALLEL_THRESHOLD
    assert result.pages > builder_module.PARALLEL_RENDER_THRESHOLD  # both run on worker processes
    parallel = tree(root / "_site")
    monkeypatch.setattr(builder_module, "PARALLEL_THRESHOLD", 10**6)
    monkeypatch.setattr(builder_module, "PARALLEL_RENDER_THRESHOLD", 10**6)
    assert clean_build(root, tmp_path / "serial") == parallel


# --- Property: whatever field of a page changes, the incremental build equals a clean build ----

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

WORDS = st.text(alphabet="abcdefgh ", min_size=1, max_size=12).map(str.strip).filter(bool)
PAGE_FIELDS = ["title", "summary", "tags", "tip", "checklist", "order", "related"]
QUESTION_FIELDS = ["heading", "difficulty", "answer", "tags"]


def page_text(page: dict) -> str:
    """A topic file from its fields."""
    front = [f'title: "{page["title"]}"', f'summary: "{page["summary"]}"',
             "tags: [" + ", ".join(f'"{t}"' for t in page["tags"]) + "]", f'tip: "{page["tip"]}"',
             "checklist: [" + ", ".join(f'"{c}"' for c in page["checklist"]) + "]"]
    if page["order"] is not None:
        front.append(f"order: {page['order']}")
    if page["related"]:
        front.append("related: [" + ", ".join(page["related"]) + "]")
    body = []
    for number, q in enumerate(page["questions"]):
        body += [f"## {q['heading']} {number}? [{q['difficulty']}]", ""]
        if q["tags"]:
            body += ["Tags: " + ", ".join(q["tags"]), ""]
        body += [q["answer"], ""]
    return "---\n" + "\n".join(front) + "\n---\n\n" + "\n".join(body)


def base_pages() -> dict[str, dict]:
    def page(title, related=()):
        return {"title": title, "summary": f"{title} summary", "tags": ["A"], "tip": "tip", "checklist": ["one"],
                "order": None, "related": list(related),
                "questions": [{"heading": f"What is {title}", "difficulty": "easy", "answer": "Yes.", "tags": []},
                              {"heading": f"Why {title}", "difficulty": "hard", "answer": "Because.", "tags": ["A"]}]}
    return {"content/nn/alpha.md": page("Alpha", ["opt/gamma"]), "content/nn/beta.md": page("Beta"),
            "content/opt/gamma.md": page("Gamma", ["nn/alpha"])}


def apply_edit(pages: dict[str, dict], data) -> None:
    """Change one field of one page (or of one of its questions) to a new value."""
    page = pages[data.draw(st.sampled_from(sorted(pages)))]
    where = data.draw(st.sampled_from(PAGE_FIELDS + ["question"]))
    if where == "question":
        question = page["questions"][data.draw(st.integers(0, len(page["questions"]) - 1))]
        field = data.draw(st.sampled_from(QUESTION_FIELDS))
        choices = {"heading": WORDS, "answer": WORDS, "difficulty": st.sampled_from(["easy", "medium", "hard"]),
                   "tags": st.lists(st.sampled_from(["A", "B", "C"]), max_size=2, unique=True)}
        question[field] = data.draw(choices[field])
    elif where in ("tags", "checklist"):
        page[where] = data.draw(st.lists(WORDS if where == "checklist" else st.sampled_from(["A", "B", "C"]),
                                         min_size=1, max_size=3, unique=True))
    elif where == "order":
        page["order"] = data.draw(st.one_of(st.none(), st.integers(0, 3)))
    elif where == "related":
        page["related"] = data.draw(st.lists(st.sampled_from(["nn/alpha", "nn/beta", "opt/gamma"]), max_size=2,
                                             unique=True))
    else:
        page[where] = data.draw(WORDS)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_field_change_rebuilds_exactly_what_a_clean_build_gives(tmp_path_factory, data):
    root = tmp_path_factory.mktemp("prop")
    pages = base_pages()
    write_files(root, {"site.yml": "title: Property\n", **{name: page_text(p) for name, p in pages.items()}})
    builder = Builder(Project(root, root / "content", root / "_site"))  # kept between builds, as the dev server does
    builder.build()
    for _ in range(3):
        apply_edit(pages, data)
        for name, page in pages.items():
            (root / name).write_text(page_text(page))
        builder.build()
        assert tree(root / "_site") == clean_build(root, root.parent / f"{root.name}-clean")
