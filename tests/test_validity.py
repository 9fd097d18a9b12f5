"""The built example site is valid HTML by the Nu Html Checker (vnu-jar), the W3C's own validator."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from conftest import REPO

# .ci/run installs it here with npm; a developer can do the same (see the README).
VNU_JAR = REPO / ".ci/tools/node_modules/vnu-jar/build/dist/vnu.jar"


def test_example_site_passes_the_nu_html_checker(example_site):
    java = shutil.which("java")
    if java is None or not VNU_JAR.exists():
        message = "the Nu Html Checker needs java and .ci/tools/node_modules/vnu-jar (npm i vnu-jar@26.9.27)"
        if os.environ.get("CI"):
            pytest.fail(message + ": CI must run it")
        pytest.skip(message)
    pages = sorted(str(p) for p in example_site.rglob("*.html"))
    assert len(pages) > 30
    result = subprocess.run([java, "-jar", str(VNU_JAR), "--errors-only", *pages], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-5000:]
