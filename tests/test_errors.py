"""The error type and the report that lists every problem."""

from __future__ import annotations

from pathlib import Path

from studysite.errors import BuildFailed, ContentError, did_you_mean, format_report

# --- Error reports ----------------------------------------------------------------------

def test_content_error_str_without_line_or_hint():
    assert str(ContentError(Path("a.md"), None, "broken")) == "a.md: broken"
    assert str(ContentError("a.md", 3, "broken", "fix it")) == "a.md:3: broken\n  hint: fix it"


def test_format_report_counts_errors():
    one = ContentError("a.md", 1, "first")
    two = ContentError("b.md", None, "second", "do this")
    assert format_report([one]) == "a.md:1: first\n1 error, no warnings; nothing was written."
    assert format_report([one, two]) == (
        "a.md:1: first\nb.md: second\n  hint: do this\n2 errors, no warnings; nothing was written."
    )


def test_build_failed_sorts_errors_by_path_then_line():
    late = ContentError("a.md", 9, "late")
    early = ContentError("a.md", 2, "early")
    other = ContentError("b.md", None, "other")
    failed = BuildFailed([other, late, early])
    assert failed.errors == [early, late, other]
    assert str(failed) == format_report([early, late, other])


def test_did_you_mean():
    assert did_you_mean("titel", ["title", "tags"]) == " (did you mean 'title'?)"
    assert did_you_mean("zzz", ["title", "tags"]) == ""
