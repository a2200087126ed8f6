"""Owner-only files and folders whatever the umask, and ``somflow status`` naming what others can open (issue 19, point 7)."""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

import pytest
from forms_fixtures import EXAMPLE, FORM_ID, proba_workspace  # noqa: F401 - fixture

from somflow.fileio import make_private_dir, open_to_others, prepare_output, write_private
from somflow.inbox import filing
from somflow.inbox.model import Rejected
from somflow.workspace import Workspace

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits (Windows: icacls, see README)")


@pytest.fixture
def umask_022():
    """The usual umask of a Linux desktop: new files 0644 and folders 0755 unless the program says otherwise."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def mode(path: Path) -> int:
    return stat.S_IMODE(os.lstat(path).st_mode)


def test_make_private_dir_makes_every_missing_parent_owner_only(umask_022, tmp_path):
    made = make_private_dir(tmp_path / "a" / "b" / "c")
    assert [mode(p) for p in (tmp_path / "a", tmp_path / "a" / "b", made)] == [0o700] * 3
    os.chmod(tmp_path / "a", 0o750)  # a folder that exists is the user's choice: left as it is
    make_private_dir(tmp_path / "a" / "d")
    assert mode(tmp_path / "a") == 0o750 and mode(tmp_path / "a" / "d") == 0o700


def test_everything_somflow_creates_in_the_workspace_is_owner_only(umask_022, proba_workspace, somflow_cli, tmp_path):
    root = proba_workspace
    by_the_test = set(open_to_others(root))  # the test's own plugin and form spec, written with the umask
    shutil.rmtree(root / "rejected")  # deleted by the user; recreated by the next rejection
    result = somflow_cli("--log-file", str(root / "logi" / "somflow.log"), "fill", FORM_ID, "--data", str(EXAMPLE))
    assert result.exit_code == 0, result.output
    write_private(
        prepare_output(root / "druk" / "klasa-1a" / "potwierdzenia.pdf"), b"%PDF-1.7"
    )  # a folder made for --out
    write_private(prepare_output(root / "reports" / "raport.pdf"), b"%PDF-1.7")
    scan = root / "inbox" / "skan.pdf"
    scan.write_bytes(b"not a pdf")  # dropped by a scanner: 0644
    assert mode(scan) == 0o644
    assert filing.reject(Workspace(root), scan, Rejected("nieczytelny"))
    made = [root / n for n in ("documents", "druk", "druk/klasa-1a", "reports", "rejected", "logi", "data/backups")]
    assert (
        all(p.is_dir() for p in made) and list((root / "rejected").iterdir()) and list((root / "documents").iterdir())
    )
    assert [p for p in open_to_others(root) if p not in by_the_test] == []


def test_status_names_what_other_users_can_open(somflow_workspace, somflow_cli):
    root = somflow_workspace
    assert "UWAGA" not in somflow_cli("status").output
    os.chmod(root / "archive", 0o755)
    (root / "rejected" / "skan.pdf").write_bytes(b"x")
    os.chmod(root / "rejected" / "skan.pdf", 0o644)
    result = somflow_cli("status")
    assert "UWAGA: pliki i foldery dostępne dla innych użytkowników (2): " in result.output
    assert "archive (755)" in result.output and "rejected/skan.pdf (644)" in result.output
    assert f"Popraw: chmod -R go= {root}" in result.output


#: Files that may create files or folders without the helpers: test helpers, a plugin's source
#: code skeleton (made outside any workspace, no personal data), the font build tool and the
#: message catalogues compiled beside the code.
NOT_IN_A_WORKSPACE = {
    "somflow/fileio.py",
    "somflow/testing.py",
    "somflow/scaffold.py",
    "somflow/forms/fonts.py",
    "somflow/i18n.py",
}


def test_files_and_folders_are_only_made_through_the_fileio_helpers():
    """One place decides the mode (0600/0700 whatever the umask): write_private, make_private_dir, prepare_output."""
    import re

    root = Path(__file__).resolve().parent.parent
    made_directly = re.compile(
        r"\.mkdir\(|os\.makedirs\(|\.write_bytes\(|\.write_text\(|\.open\([^)]*[\"'][wax]b?[\"']|\bopen\([^)]*[\"'][wax]b?[\"']"
    )
    found = [
        f"{path.relative_to(root).as_posix()}:{number}: {line.strip()}"
        for folder in ("somflow", "plugins")
        for path in sorted((root / folder).rglob("*.py"))
        if path.relative_to(root).as_posix() not in NOT_IN_A_WORKSPACE and "tests" not in path.relative_to(root).parts
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if made_directly.search(line.split("#")[0])
    ]
    assert found == [], "\n".join(found)
