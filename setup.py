"""The wheel carries the top-level indicators.csv (the KPI catalogue) inside the ``data`` package.

Everything else about the build is in pyproject.toml; this only adds that one
file, which the checkout keeps at the top level (``data.DEFAULT_CATALOGUE``
finds it in either place).
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py


class BuildWithCatalogue(build_py):
    def run(self):
        super().run()
        target = Path(self.build_lib) / "data" / "indicators.csv"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(Path(__file__).resolve().parent / "indicators.csv", target)


setup(cmdclass={"build_py": BuildWithCatalogue})
