"""Every message studysite can give about a user's files has a hint, and an entry in docs/troubleshooting.md."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from conftest import REPO

DOCS = (REPO / "docs/troubleshooting.md").read_text(encoding="utf-8")
# Calls that make a message for the user, and where their message and hint are among the arguments.
MAKERS = {"ContentError": (2, 3), "UsageError": (2, 3), "error": (0, 1), "MarkupError": (1, 2)}


def literal_parts(node: ast.AST) -> list[str]:
    """The fixed text of a message: a string, or an f-string's text between its placeholders."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.JoinedStr):
        return [part.value for part in node.values if isinstance(part, ast.Constant)]
    if isinstance(node, ast.BinOp):
        return literal_parts(node.left) + literal_parts(node.right)
    return []


def messages() -> list[tuple[str, int, list[str], ast.AST | None]]:
    found = []
    for module in sorted((REPO / "studysite").glob("*.py")):
        tree = ast.parse(module.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
            if name not in MAKERS:
                continue
            at, hint_at = MAKERS[name]
            keywords = {k.arg: k.value for k in node.keywords}
            message = node.args[at] if len(node.args) > at else keywords.get("message")
            hint = node.args[hint_at] if len(node.args) > hint_at else keywords.get("hint")
            if message is not None:
                found.append((f"{module.name}:{node.lineno}", name, literal_parts(message), hint))
    return found


def _key(parts: list[str]) -> str:
    """The longest fixed piece of a message: what its entry in the docs must contain."""
    return max((part.strip(" '.:(") for part in parts), key=len, default="")


def test_the_scan_finds_the_messages():
    assert len(messages()) > 80


def test_every_message_has_a_hint():
    missing = [where for where, _, _, hint in messages()
               if hint is None or (isinstance(hint, ast.Constant) and not hint.value)]
    assert not missing, f"messages without a hint: {missing}"


def test_every_message_is_in_the_troubleshooting_guide():
    normal = re.sub(r"\s+", " ", DOCS)
    missing = sorted({f"{where}: {_key(parts)!r}" for where, _, parts, _ in messages()
                      if len(_key(parts)) >= 6 and _key(parts) not in normal})
    assert not missing, "add these messages to docs/troubleshooting.md:\n" + "\n".join(missing)
