"""Which reminder stage is due on a day, who gets it, and what the ledger already holds."""

from datetime import date

import pytest

from somflow.deadlines import Deadline
from somflow.reminders.ledger import Ledger, Mark
from somflow.reminders.plan import current_stage, plan, resolve, stages_of
from somflow.workspace import Workspace

DUE = date(2026, 12, 17)
CONFIG = {"coordinator": {"email": "Koordynator@SP7.example.pl"}, "head": {"email": "dyrektor@sp7.example.pl"}}


@pytest.mark.parametrize(
    ("today", "stage"),
    [
        (date(2026, 12, 9), None),  # 8 days before
        (date(2026, 12, 10), 7),
        (date(2026, 12, 15), 7),  # 2 days before: still the 7-day stage (already sent, nothing new)
        (date(2026, 12, 16), 1),
        (date(2026, 12, 17), 0),
        (date(2026, 12, 18), -1),  # overdue: the stage every deadline gets
        (date(2027, 3, 1), -1),
    ],
)
def test_current_stage(today, stage):
    assert current_stage(Deadline(key="k", title="t", due=DUE), today) == stage


def test_plugins_own_overdue_stages_replace_the_default():
    d = Deadline(key="k", title="t", due=DUE, stages=(14, 0, -7))
    assert stages_of(d) == (14, 0, -7)
    assert current_stage(d, date(2026, 12, 20)) == 0
    assert current_stage(d, date(2026, 12, 24)) == -7


def test_resolve_roles_and_addresses():
    assert resolve("coordinator", CONFIG) == "koordynator@sp7.example.pl"
    assert resolve("Ktos@Example.pl", CONFIG) == "ktos@example.pl"
    assert resolve("ops", CONFIG) is None


def test_overdue_escalates_to_the_head_and_sent_items_are_skipped(somflow_workspace):
    store = Workspace(somflow_workspace).store
    overdue = Deadline(key="late", title="Po terminie", due=date(2026, 12, 1), plugin="p")
    soon = Deadline(key="soon", title="Wkrótce", due=DUE, plugin="p")
    done = Deadline(key="done", title="Zrobione", due=DUE, done=True)
    ledger = Ledger.load(store)
    result = plan([overdue, soon, done], date(2026, 12, 10), CONFIG, ledger)
    assert [(d.recipient, [i.deadline.key for i in d.items]) for d in result.digests] == [
        ("dyrektor@sp7.example.pl", ["late"]),
        ("koordynator@sp7.example.pl", ["late", "soon"]),
    ]
    ledger.mark_sent([Mark("soon", 7, "koordynator@sp7.example.pl", "2026-12-17", "p")])
    ledger.mark_sent([Mark("soon", 7, "koordynator@sp7.example.pl", "2026-12-17", "p")])  # idempotent
    assert store.count("reminders_sent") == 1
    again = plan([overdue, soon], date(2026, 12, 10), CONFIG, Ledger.load(store))
    assert [i.deadline.key for i in again.digests[1].items] == ["late"]


def test_a_missing_address_is_a_problem_not_a_crash(somflow_workspace):
    ledger = Ledger.load(Workspace(somflow_workspace).store)
    result = plan([Deadline(key="k", title="t", due=DUE, notify=("ops",))], DUE, CONFIG, ledger)
    assert result.digests == [] and "[ops]" in result.problems[0]


def test_two_roles_with_one_address_get_one_line(somflow_workspace):
    config = {"coordinator": {"email": "a@x.pl"}, "head": {"email": "a@x.pl"}}
    ledger = Ledger.load(Workspace(somflow_workspace).store)
    result = plan([Deadline(key="k", title="t", due=DUE, notify=("coordinator", "head"))], DUE, config, ledger)
    assert len(result.digests) == 1 and len(result.digests[0].items) == 1


def test_prune_forgets_deadlines_no_longer_reported_long_after_they_were_due(somflow_workspace):
    store = Workspace(somflow_workspace).store
    ledger = Ledger.load(store)
    ledger.mark_sent(
        [
            Mark("gone-old", 0, "a@x.pl", "2026-01-10", "p"),
            Mark("gone-recent", 0, "a@x.pl", "2026-11-01", "p"),
            Mark("still-reported", 0, "a@x.pl", "2026-01-10", "p"),
        ]
    )
    assert ledger.prune({"still-reported"}, date(2026, 12, 14)) == 1
    assert sorted(r["deadline"] for r in store.query("reminders_sent")) == ["gone-recent", "still-reported"]
    assert Ledger.load(store).prune({"still-reported"}, date(2026, 12, 14)) == 0


def test_a_moved_deadline_is_reminded_again_for_its_new_date(somflow_workspace):
    store = Workspace(somflow_workspace).store
    ledger = Ledger.load(store)
    first = Deadline(key="start", title="Weryfikacja przed pierwszym dniem", due=DUE, plugin="p")
    (digest,) = plan([first], DUE, CONFIG, ledger).digests
    ledger.mark_sending(digest.marks())
    ledger.mark_sent(digest.marks())
    assert plan([first], DUE, CONFIG, ledger).digests == []
    moved = Deadline(key="start", title="Weryfikacja przed pierwszym dniem", due=date(2026, 12, 31), plugin="p")
    (digest,) = plan([moved], date(2026, 12, 31), CONFIG, Ledger.load(store)).digests
    assert [(i.stage, i.repeat) for i in digest.items] == [(0, False)]
    ledger = Ledger.load(store)
    ledger.mark_sending(digest.marks())
    ledger.mark_sent(digest.marks())
    assert store.count("reminders_sent") == 1  # still one record per (key, stage, recipient)
    assert store.query("reminders_sent")[0]["due"] == "2026-12-31"
    assert plan([moved], date(2026, 12, 31), CONFIG, Ledger.load(store)).digests == []
