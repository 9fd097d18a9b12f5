#!/usr/bin/env python3
"""Build, check or serve the study site: `python build.py --help`."""

import sys

from studysite.cli import main

if __name__ == "__main__":
    sys.exit(main())
