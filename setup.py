"""Build step beyond pyproject.toml: compile the gettext catalogues (``.po`` -> ``.mo``) into the built package.

Everything else about the package is declared in pyproject.toml. An editable install or a source
checkout has no ``.mo`` files: :mod:`somflow.i18n` compiles a catalogue on first use instead.
"""

import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

sys.path.insert(0, str(Path(__file__).parent))


class BuildPyWithCatalogues(build_py):
    def run(self) -> None:
        super().run()
        from somflow.i18n import compile_all

        for mo in compile_all(Path(self.build_lib)):
            self.announce(f"compiled {mo}", level=2)


setup(cmdclass={"build_py": BuildPyWithCatalogues})
