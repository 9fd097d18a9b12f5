"""studysite: a static-site generator for study material written in Markdown."""

__version__ = "0.1.0"
