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
    assert result.rendered == 1  # its own page; no listing shows answers
    assert result.written.written == 2  # that page and the search index


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
        assert builder.build().rendered == 1


def test_clean_build_saves_a_cache_the_next_edit_uses(project, capsys):
    run_cli(project, "build", "--clean")
    edit(project, "content/opt/gamma.md", "answer", "answer again")
    builder = Builder(Project(project, project / "content", project / "_site"))
    assert builder.build().rendered == 1


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
