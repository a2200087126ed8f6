"""Deadline objects and collecting them from plugins through the somflow_deadlines hook."""

from datetime import date

import pytest

from somflow import hookimpl
from somflow.deadlines import Deadline, DeadlineError, collect
from somflow.plugins import PluginHost
from somflow.workspace import Workspace

TODAY = date(2026, 11, 23)


class DeadlinePlugin:
    """A test plugin reporting fixed deadlines."""

    def __init__(self, *deadlines):
        self.deadlines = list(deadlines)
        self.calls = []

    @hookimpl
    def somflow_deadlines(self, workspace, today):
        self.calls.append(today)
        return self.deadlines


@pytest.fixture
def workspace(somflow_workspace):
    host = PluginHost(somflow_workspace, only="none")  # the core only; the test registers its own plugins
    return Workspace(somflow_workspace, host)


def test_deadline_masks_pesel_in_title_and_keeps_tuples():
    d = Deadline(key="k", title="Zaświadczenie dla 44051401359 do uzupełnienia", due=TODAY, notify=["head"], stages=[3, 0])
    assert "44051401359" not in d.title
    assert d.title == "Zaświadczenie dla *********** do uzupełnienia"
    assert d.notify == ("head",) and d.stages == (3, 0)
    assert d.plugin == "" and d.done is False and d.record is None
    assert Deadline(key="k2", title="t", due=TODAY).stages == (7, 1, 0)
    assert Deadline(key="k2", title="t", due=TODAY).notify == ("coordinator",)
    with pytest.raises(AttributeError):
        d.title = "x"  # frozen


def test_days_left_and_overdue():
    d = Deadline(key="k", title="t", due=date(2026, 11, 20))
    assert d.days_left(TODAY) == -3 and d.overdue(TODAY)
    assert not Deadline(key="k", title="t", due=TODAY).overdue(TODAY)
    assert d.as_json()["due"] == "2026-11-20"


def test_collect_sorts_overdue_first_and_names_the_plugin(workspace):
    a = DeadlinePlugin(
        Deadline(key="a:2", title="Później", due=date(2026, 12, 1)),
        Deadline(key="a:1", title="Po terminie", due=date(2026, 11, 2)),
    )
    b = DeadlinePlugin(Deadline(key="b:1", title="Dziś", due=TODAY))
    workspace.plugins.pm.register(a, name="plugin_a")
    workspace.plugins.pm.register(b, name="plugin_b")
    found = collect(workspace, TODAY)
    assert [d.key for d in found] == ["a:1", "b:1", "a:2"]
    assert [d.plugin for d in found] == ["plugin_a", "plugin_b", "plugin_a"]
    assert a.calls == [TODAY]


def test_collect_refuses_a_duplicate_key_naming_both_plugins(workspace):
    workspace.plugins.pm.register(DeadlinePlugin(Deadline(key="x", title="t", due=TODAY)), name="first_plugin")
    workspace.plugins.pm.register(DeadlinePlugin(Deadline(key="x", title="t", due=TODAY)), name="second_plugin")
    with pytest.raises(DeadlineError) as info:
        collect(workspace, TODAY)
    assert "first_plugin" in str(info.value) and "second_plugin" in str(info.value) and "x" in str(info.value)


def test_a_failing_plugin_is_named_and_others_still_count(workspace):
    class Broken:
        @hookimpl
        def somflow_deadlines(self, workspace, today):
            raise RuntimeError("no store")

    workspace.plugins.pm.register(Broken(), name="broken_plugin")
    workspace.plugins.pm.register(DeadlinePlugin(Deadline(key="ok", title="t", due=TODAY)), name="good_plugin")
    with pytest.raises(DeadlineError, match="broken_plugin"):
        collect(workspace, TODAY)
    errors: list[str] = []
    assert [d.key for d in collect(workspace, TODAY, errors)] == ["ok"]
    assert "broken_plugin" in errors[0] and "no store" in errors[0]


def test_a_plugin_returning_something_else_is_refused(workspace):
    workspace.plugins.pm.register(DeadlinePlugin({"key": "x"}), name="dict_plugin")
    with pytest.raises(DeadlineError, match="dict_plugin"):
        collect(workspace, TODAY)
