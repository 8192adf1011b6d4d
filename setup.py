"""Build hook: ship the top-level data folders inside the package.

The client fixed the layout (`rules/`, `reports/`, `corpus/` at the top level), but an
installed `barrier-scan` must find them without the source tree, so the wheel carries a copy
under `barrier_scan/_data/`. `barrier_scan.resources` looks there first, then beside the
package (editable installs and source checkouts).
"""
import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

DATA_DIRS = {"rules": "rules", "reports": "reports", "corpus": "corpus"}
CORPUS_SKIP = ("samples",)  # the demo tender is for the README, not for installs


class BuildPyWithData(build_py):
    def run(self) -> None:
        super().run()
        here = Path(__file__).parent
        target = Path(self.build_lib) / "barrier_scan" / "_data"
        for name, src in DATA_DIRS.items():
            dest = target / name
            if dest.exists():
                shutil.rmtree(dest)
            ignore = shutil.ignore_patterns("__pycache__", *(CORPUS_SKIP if name == "corpus" else ()))
            shutil.copytree(here / src, dest, ignore=ignore)


setup(cmdclass={"build_py": BuildPyWithData})
