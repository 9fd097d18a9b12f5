"""The floor: the leanest read + YAML + Markdown + Jinja + write script over the same corpus.

studysite's build is compared with this. It does no validation, no site-wide pages, no search index,
no cache: only what any generator must do for each file. `markdown` picks the Markdown setup:
"plain" (Python-Markdown with 'extra', as a bare-bones generator would) or "studysite" (the very
converter studysite uses, with highlighting and math, so that both sides render the same HTML).
"""

from __future__ import annotations

import os
import sys
from multiprocessing import get_context
from pathlib import Path

import jinja2
import markdown
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

TEMPLATE = jinja2.Template(
    "<!DOCTYPE html><html><head><title>{{ meta.title }}</title></head><body><h1>{{ meta.title }}</h1>{{ meta.intro }}"
    "{% for q in questions %}<article><h2>{{ q.title }}</h2>{{ q.html }}</article>{% endfor %}</body></html>",
    autoescape=True,
)
Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _converter(setup: str):
    if setup == "studysite":
        from studysite.markup import render_markdown
        return render_markdown
    md = markdown.Markdown(extensions=["extra"])

    def convert(text: str) -> str:
        md.reset()
        return md.convert(text)
    return convert


def build_files(job: tuple[list[str], str, str]) -> int:
    """Read, parse, render and write a list of files; returns how many."""
    files, out_dir, setup = job
    convert = _converter(setup)
    for name in files:
        text = Path(name).read_text(encoding="utf-8")
        _, front, body = text.split("---\n", 2)
        meta = yaml.load(front, Loader=Loader)
        intro, *chunks = body.split("\n## ")
        meta["intro"] = jinja2.utils.markupsafe.Markup(convert(intro))  # every word of the file is converted
        questions = []
        for chunk in chunks:
            title, _, answer = chunk.partition("\n")
            questions.append({"title": title, "html": jinja2.utils.markupsafe.Markup(convert(answer))})
        target = Path(out_dir) / Path(name).parent.name / (Path(name).stem + ".html")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(TEMPLATE.render(meta=meta, questions=questions), encoding="utf-8")
    return len(files)


def floor_build(content: Path, out_dir: Path, processes: int, setup: str) -> int:
    """Build every content file with `processes` worker processes (1 = in this process)."""
    files = sorted(str(p) for p in content.rglob("*.md"))
    if processes == 1:
        return build_files((files, str(out_dir), setup))
    jobs = [(files[i::processes], str(out_dir), setup) for i in range(processes)]
    with get_context("fork").Pool(processes) as pool:
        return sum(pool.map(build_files, jobs))


if __name__ == "__main__":
    count = floor_build(Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3]), sys.argv[4])
    print(f"{count} files", file=sys.stderr)
    os._exit(0)
