"""A deterministic synthetic corpus of topic files, for benchmarks."""

from __future__ import annotations

import random
from pathlib import Path

WORDS = ("gradient layer network weight bias activation loss optimizer batch epoch tensor matrix vector "
         "kernel stride padding pooling dropout momentum variance mean sample feature label model train "
         "test validation overfit regularize learning rate decay schedule residual attention sequence token "
         "embedding encoder decoder softmax sigmoid relu tanh norm clip scale shift update step memory cache "
         "iterator generator closure function class object module package import return yield value").split()
TAGS = ("Basics Optimization Regularization CNN RNN Attention Python Memory Performance Testing Data "
        "Math Probability Linear-Algebra Deployment").split()
DIFFICULTIES = ("easy", "medium", "hard")


def _sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def _answer(rng: random.Random) -> str:
    """About 80 words: prose, a list, and sometimes a code block."""
    parts = [_sentence(rng, 18) + " " + _sentence(rng, 16)]
    parts.append("\n".join(f"- {_sentence(rng, 7)}" for _ in range(3)))
    if rng.random() < 0.5:
        name = rng.choice(WORDS)
        parts.append(f"```python\ndef {name}(x):\n    return x * {rng.randint(2, 9)}  # {rng.choice(WORDS)}\n```")
    parts.append(_sentence(rng, 14) + " Use `" + rng.choice(WORDS) + "()` here.")
    return "\n\n".join(parts)


def topic_text(rng: random.Random, title: str, questions: int) -> str:
    """One topic file's text."""
    tags = rng.sample(TAGS, 3)
    lines = ["---", f'title: "{title}"', f'summary: "{_sentence(rng, 12)}"', f"tags: [{', '.join(tags)}]",
             f'tip: "{_sentence(rng, 10)}"', "checklist:"]
    lines += [f'  - "{_sentence(rng, 8)}"' for _ in range(3)]
    lines += ["---", "", _sentence(rng, 20), ""]
    for number in range(questions):
        words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(4, 8)))
        lines += [f"## Q{number + 1}: what about {words}? [{rng.choice(DIFFICULTIES)}]", ""]
        if rng.random() < 0.4:
            lines += [f"Tags: {rng.choice(tags)}", ""]
        lines += [_answer(rng), ""]
    return "\n".join(lines)


def generate_corpus(root: Path, topics: int, questions: int = 15, seed: int = 1) -> Path:
    """Write `topics` topic files (in categories of 25) under root/content; returns the content folder."""
    rng = random.Random(seed)
    content = root / "content"
    for index in range(topics):
        folder = content / f"category-{index // 25:03d}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"topic-{index:04d}.md").write_text(
            topic_text(rng, f"Topic {index:04d}: {_sentence(rng, 3)[:-1]}", questions), encoding="utf-8")
    return content
