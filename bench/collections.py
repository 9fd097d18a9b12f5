"""Convert public Markdown Q&A collections into a studysite project, to try studysite on content
nobody here wrote. The content is not part of studysite: clone the collections yourself.

    git clone https://github.com/lydiahallie/javascript-questions
    git clone https://github.com/sudheerj/reactjs-interview-questions
    git clone https://github.com/alexeygrigorev/data-science-interviews
    python bench/collections.py --javascript javascript-questions --react reactjs-interview-questions \\
        --data-science data-science-interviews /tmp/collections
    studysite build --root /tmp/collections
    python bench/collections.py --compare /tmp/collections   # each answer against GitHub's renderer

Each converter does what a careful author would: the collection's own question headings become
'## ' questions, its answers stay as written (Markdown for GitHub), its difficulty marks become
[easy] / [medium] / [hard] where it has them, and a default difficulty covers the rest.
"""

from __future__ import annotations

import argparse
import re
import shutil
import textwrap
from pathlib import Path

PER_TOPIC = 40  # questions per topic file: a long README becomes several pages


def front_matter(title: str, **fields: str) -> str:
    lines = [f"title: {title!r}".replace("'", '"') if '"' not in title else f"title: '{title}'"]
    lines += [f"{key}: {value}" for key, value in fields.items()]
    return "---\n" + "\n".join(lines) + "\n---\n\n"


def write_topics(folder: Path, stem: str, title: str, questions: list[tuple[str, str]], **fields: str) -> int:
    """Questions as (heading, answer) -> topic files of PER_TOPIC questions each."""
    folder.mkdir(parents=True, exist_ok=True)
    empty = [heading for heading, answer in questions if not answer.strip()]
    for heading in empty:
        print(f"left out (no answer upstream): {heading}")
    questions = [(heading, answer) for heading, answer in questions if answer.strip()]
    for part, start in enumerate(range(0, len(questions), PER_TOPIC), start=1):
        chunk = questions[start:start + PER_TOPIC]
        body = "".join(f"## {heading}\n\n{answer.strip()}\n\n" for heading, answer in chunk)
        name = f"{stem}-{part}" if len(questions) > PER_TOPIC else stem
        label = f"{title} ({start + 1}-{start + len(chunk)})" if len(questions) > PER_TOPIC else title
        (folder / f"{name}.md").write_text(front_matter(label, **fields) + body, encoding="utf-8")
    return len(questions)


# --- lydiahallie/javascript-questions: '###### 1. What's the output?' ... '---' -------------------

def javascript_questions(readme: str) -> list[tuple[str, str]]:
    parts = re.split(r"^#{6} *\d+\. *(.+)$", readme, flags=re.MULTILINE)[1:]
    questions = []
    for heading, body in zip(parts[::2], parts[1::2]):
        body = re.split(r"^---\s*$", body, flags=re.MULTILINE)[0]
        questions.append((heading.strip(), body))
    return questions


def numbered_questions(readme: str) -> list[tuple[str, str]]:
    """The Arabic edition's shape: '1. What is the output?' after a '---' line, the answer below."""
    questions = []
    for chunk in re.split(r"^(?:---|_{3,})\s*$", readme, flags=re.MULTILINE)[1:]:
        match = re.match(r"\s*\d+\.\s*(.+)\n", chunk)
        if match:
            questions.append((match.group(1).strip(), chunk[match.end():]))
    return questions


# --- sudheerj/reactjs-interview-questions: '1.  ### What is React?' with the answer indented -------

def react_questions(readme: str) -> list[tuple[str, str]]:
    start = readme.find("\n1.  ### ")
    items = re.split(r"^ {0,3}\d+\.\s+### (.+)$", readme[start:], flags=re.MULTILINE)[1:]
    questions = []
    for heading, body in zip(items[::2], items[1::2]):
        body = re.sub(r"^\s*\*\*\[⬆ Back to Top\]\(#table-of-contents\)\*\*\s*$", "", body, flags=re.MULTILINE)
        body = re.sub(r"^## .*$", "", body, flags=re.MULTILINE)  # the README's section headings
        questions.append((heading.strip(), textwrap.dedent(_indented_part(body)) + _rest(body)))
    return questions


def _indented_part(body: str) -> str:
    lines = body.split("\n")
    end = next((i for i, line in enumerate(lines) if line.strip() and not line.startswith("    ")), len(lines))
    return "\n".join(lines[:end])


def _rest(body: str) -> str:
    lines = body.split("\n")
    end = next((i for i, line in enumerate(lines) if line.strip() and not line.startswith("    ")), len(lines))
    return "\n" + "\n".join(lines[end:]) if end < len(lines) else ""


# --- alexeygrigorev/data-science-interviews: '## Section', '**Question? 👶**' ----------------------

LEVELS = {"👶": "easy", "⭐️": "medium", "⭐": "medium", "🚀": "hard"}


def data_science_sections(theory: str) -> list[tuple[str, list[tuple[str, str]]]]:
    sections = re.split(r"^## (.+)$", theory, flags=re.MULTILINE)[1:]
    out = []
    for title, text in zip(sections[::2], sections[1::2]):
        parts = re.split(r"^\*\*(.+?)\*\*\s*$", text, flags=re.MULTILINE)[1:]
        questions = []
        for heading, answer in zip(parts[::2], parts[1::2]):
            level = next((LEVELS[mark] for mark in LEVELS if mark in heading), None)
            heading = re.sub("|".join(LEVELS), "", heading).replace("\u200d", "").strip()
            answer = re.sub(r"^<br/?>\s*$", "", answer, flags=re.MULTILINE)
            if answer.strip().startswith("Answer here"):
                continue  # a question the collection has not answered yet
            questions.append((f"{heading} [{level}]" if level else heading, answer))
        if questions:
            out.append((title.strip(), questions))
    return out


def compare(project: Path) -> None:
    """Render every answer with studysite and with cmark-gfm (GitHub's renderer); count those that differ."""
    import sys

    sys.path[:0] = [str(Path(__file__).resolve().parent.parent), str(Path(__file__).resolve().parent.parent / "tests")]
    from gfm_tools import github_html, structure  # the test suite's comparison (needs the test extras)
    from studysite.frontmatter import split_front_matter
    from studysite.markup import render_markdown
    from studysite.questions import split_question_tags, split_questions

    answers, differing = 0, []
    for path in sorted((project / "content").rglob("*.md")):
        _, _, body, body_line = split_front_matter(path.read_text(encoding="utf-8"), path)
        for question in split_questions(body, body_line, path)[1]:
            answer = split_question_tags(question.answer)[1]
            answers += 1
            if structure(render_markdown(answer)) != structure(github_html(answer)):
                differing.append(f"{path.relative_to(project)}:{question.line}: {question.heading}")
    print(f"{answers - len(differing)} of {answers} answers ({1 - len(differing) / answers:.1%}) render as on GitHub")
    print("\n".join(differing))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--javascript", type=Path, help="a clone of lydiahallie/javascript-questions")
    parser.add_argument("--react", type=Path, help="a clone of sudheerj/reactjs-interview-questions")
    parser.add_argument("--data-science", type=Path, help="a clone of alexeygrigorev/data-science-interviews")
    parser.add_argument("--compare", action="store_true", help="compare a converted project's answers with GitHub's")
    parser.add_argument("output", type=Path)
    args = parser.parse_args()
    if args.compare:
        return compare(args.output)
    out, content = args.output, args.output / "content"
    content.mkdir(parents=True, exist_ok=True)
    (out / "site.yml").write_text('title: "Collections"\ndifficulty: medium\n', encoding="utf-8")
    counts = {}
    if args.javascript:
        for folder, readme, language, split in (
                ("javascript", "README.md", "en", javascript_questions),
                ("javascript-ar-eg", "ar-EG/README_ar-EG.md", "ar", javascript_questions),
                ("javascript-ar", "ar-AR/README_AR.md", "ar", numbered_questions),
                ("javascript-zh", "zh-CN/README-zh_CN.md", "zh-CN", javascript_questions)):
            text = (args.javascript / readme).read_text(encoding="utf-8")
            counts[folder] = write_topics(content / folder, "questions", "JavaScript questions", split(text),
                                          language=language)
    if args.react:
        text = (args.react / "README.md").read_text(encoding="utf-8")
        counts["react"] = write_topics(content / "react", "react", "React interview questions", react_questions(text))
        if (args.react / "images").is_dir():
            shutil.copytree(args.react / "images", content / "react" / "images", dirs_exist_ok=True)
    if args.data_science:
        text = (args.data_science / "theory.md").read_text(encoding="utf-8")
        total = 0
        for number, (title, questions) in enumerate(data_science_sections(text), start=1):
            total += write_topics(content / "data-science", re.sub(r"\W+", "-", title.lower()).strip("-") or f"s{number}",
                                  title, questions)
        counts["data-science"] = total
    for name, count in counts.items():
        print(f"{name}: {count} questions")


if __name__ == "__main__":
    main()
