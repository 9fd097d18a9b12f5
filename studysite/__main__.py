"""`python -m studysite`: the same commands as the installed `studysite`."""

from .cli import run

run()
