"""Every Polish message of the Niebieska Karta plugin has an English entry, and --lang en uses them."""

from __future__ import annotations

from pathlib import Path

import pytest
import somflow_niebieska_karta
from conftest import english_catalogue, gettext_messages
from somflow_niebieska_karta.cases import STEPS
from somflow_niebieska_karta.printing import TITLES

from somflow.errors import SomflowError

PLUGIN = Path(somflow_niebieska_karta.__file__).parent


def test_catalogue_covers_every_message():
    catalogue = english_catalogue(PLUGIN)
    wanted = {s.title for s in STEPS.values()} | set(TITLES.values()) | {"otwarta", "zamknięta"}
    wanted |= set(gettext_messages(PLUGIN.glob("*.py")))
    assert sorted(wanted - set(catalogue)) == []


def test_english_messages(somflow_cli, monkeypatch):
    monkeypatch.setenv("SOMFLOW_TODAY", "2026-11-23")
    assert "No open Blue Card cases." in somflow_cli("--lang", "en", "nk", "list").output
    with pytest.raises(SomflowError, match="There is no NK case ABCDEF"):
        somflow_cli("--lang", "en", "nk", "show", "ABCDEF")
