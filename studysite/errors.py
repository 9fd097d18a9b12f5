"""The one error type of a build, and the report that lists them all."""

from __future__ import annotations

import difflib
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable


@dataclass(frozen=True)
class ContentError(Exception):
    """A problem in a source file: where it is, what it is, and how to fix it."""

    path: Path | str
    line: int | None
    message: str
    hint: str = ""

    def __reduce__(self):
        # Exceptions pickle through their args, which a dataclass leaves empty: worker processes need this.
        return (ContentError, (self.path, self.line, self.message, self.hint))

    def __str__(self) -> str:
        location = str(self.path) if self.line is None else f"{self.path}:{self.line}"
        text = f"{location}: {self.message}"
        if self.hint:
            text += "\n  hint: " + self.hint.replace("\n", "\n        ")
        return text


class UsageError(ContentError):
    """A command's own argument is wrong (the name given to 'new', the folder given to 'init'): exit 2."""


class BuildFailed(Exception):
    """Every ContentError of a run, raised together once a stage has seen them all, with the warnings
    found by then (str() is the report a user reads)."""

    def __init__(self, errors: Iterable[ContentError], warnings: Iterable[ContentError] = ()):
        self.errors = sorted(errors, key=lambda e: (str(e.path), e.line or 0, e.message))
        self.warnings = tuple(warnings)
        super().__init__(format_report(self.errors, self.warnings))


class InternalError(Exception):
    """A bug met while processing one file: which file, and what went wrong (picklable, as strings)."""

    def __init__(self, path: str, problem: str):
        super().__init__(path, problem)
        self.path, self.problem = path, problem

    @classmethod
    def wrapping(cls, path: Path | str, exc: BaseException) -> InternalError:
        return cls(str(path), f"{type(exc).__name__}: {exc}")

    def __str__(self) -> str:
        return f"{self.problem} (while processing {self.path})"


def format_report(errors: list[ContentError], warnings: Iterable[ContentError] = ()) -> str:
    """Render errors as the text a user sees: one block per error, then the warnings, then the counts."""
    warnings = tuple(warnings)
    blocks = [str(error) for error in errors] + [f"warning: {warning}" for warning in warnings]
    blocks.append(f"{plural(len(errors), 'error')}, {warning_count(len(warnings))}; nothing was written.")
    return "\n".join(blocks)


def plural(count: int, noun: str) -> str:
    """'1 topic', '2 topics'."""
    return f"{count} {noun}{'' if count == 1 else 's'}"


def warning_count(count: int) -> str:
    """'no warnings', '1 warning', '2 warnings': every summary line says it."""
    return "no warnings" if count == 0 else plural(count, "warning")


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """A ' (did you mean 'x'?)' suffix for the closest choice, or '' when none is close."""
    matches = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{matches[0]}'?)" if matches else ""


def relative_to_cwd(path: Path) -> Path:
    """Show paths as the user typed them: relative to the working directory when inside it."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve())
    except ValueError:
        return path


def command_name() -> str:
    """The command as the person typed it, for messages that tell them what to run next."""
    program = Path(sys.argv[0]) if sys.argv and sys.argv[0] else Path()
    if program.name == "build.py":
        return "python build.py"
    if program.name == "__main__.py" and program.parent.name == "studysite":
        return "python -m studysite"
    return "studysite"


def collect_errors(errors: list[ContentError], action: Callable[[], Any]) -> Any:
    """Run one parsing step; keep its errors for the report and go on with the next."""
    try:
        return action()
    except ContentError as error:
        errors.append(error)
    except BuildFailed as failed:
        errors.extend(failed.errors)
    return None
