"""Names of people never leave the computer in a reminder e-mail or a calendar file (issue 22).

A deadline needs no name to be acted on; whatever a plugin writes in a title, the names of
the people somflow holds are replaced by their initials (somflow.people.mentions.mask).
"""

from __future__ import annotations

from datetime import date

from reminder_fixtures import bodies, register_plugin

from somflow import hookimpl
from somflow.deadlines import Deadline
from somflow.people import mentions, register
from somflow.workspace import Workspace

DAY = date(2026, 11, 23)


class Careless:
    """A plugin that puts a child's name in a deadline title."""

    @hookimpl
    def somflow_deadlines(self, workspace, today):
        return [
            Deadline(
                key="careless:rozmowa",
                title="Rozmowa z rodzicami: ZIĘBA tomasz (klasa 3b), potem Anna Maria Nowak-Kowalska",
                due=DAY,
                notify=("coordinator",),
                stages=(0,),
            )
        ]


def seed(root) -> None:
    store = Workspace(root).store
    child = register.new_person(
        "child", "Tomasz", "Zięba", group="3b", guardians=[{"name": "Anna Maria Nowak-Kowalska"}]
    )
    register.add(store, child)


def test_mask_finds_names_however_written():
    names = {"Tomasz Zięba", "Anna Maria Nowak-Kowalska"}
    assert mentions.mask("ZIEBA tomasz przyszedł z Anna Maria Nowak Kowalska.", names) == (
        "Z. T. przyszedł z A. M. N. K.."
    )
    assert mentions.mask("Tomasz bez nazwiska, Zięba Janina", names) == "Tomasz bez nazwiska, Zięba Janina"
    assert mentions.holds_name("rozmowa: zieba, tomasz", names)


def test_a_name_in_a_title_does_not_reach_the_e_mail(somflow_workspace, somflow_smtp, somflow_cli, monkeypatch):
    seed(somflow_workspace)
    register_plugin(monkeypatch, Careless(), "careless")
    result = somflow_cli("remind", "--today", DAY.isoformat())
    assert result.exit_code == 0, result.output
    (message,) = somflow_smtp.to("koordynator@sp7.example.pl")
    for text in (*bodies(message), message["Subject"]):
        folded = text.lower()
        assert "zięba" not in folded and "kowalska" not in folded, text
    plain, html = bodies(message)
    assert "Rozmowa z rodzicami: Z. T. (klasa 3b), potem A. M. N. K." in plain
    assert "Rozmowa z rodzicami: Z. T. (klasa 3b)" in html


def test_a_name_in_a_title_does_not_reach_the_calendar_file(somflow_workspace, somflow_cli, monkeypatch, tmp_path):
    seed(somflow_workspace)
    register_plugin(monkeypatch, Careless(), "careless")
    out = tmp_path / "terminy.ics"
    assert somflow_cli("deadlines", "--ics", str(out), "--today", DAY.isoformat()).exit_code == 0
    calendar = out.read_text(encoding="utf-8").replace("\r\n ", "")  # unfold long lines
    assert "Z. T." in calendar and "ZIĘBA" not in calendar and "Kowalska" not in calendar
    from somflow import ics

    ws = Workspace(somflow_workspace)
    monkeypatch.setattr("somflow.ics.open_deadlines", lambda workspace, today: Careless().somflow_deadlines(ws, today))
    assert "ZIĘBA" not in ics.for_workspace(ws, DAY).decode("utf-8")


def test_the_standards_report_prints_no_name_from_a_proposal_or_the_conclusions(somflow_workspace, somflow_cli):
    from forms_fixtures import pdftotext

    seed(somflow_workspace)
    added = somflow_cli(
        "standards",
        "register",
        "add",
        "--summary",
        "Dodać zasady wycieczek (po sytuacji, którą zgłosił Zięba Tomasz)",
        "--channel",
        "email",
        "--kind",
        "propozycja",
        "--date",
        "2026-03-02",
        "--force",
    )
    assert added.exit_code == 0, added.output
    conclusions = somflow_workspace / "wnioski.txt"
    conclusions.write_text("Rozmowa z rodzicami: tomasz ZIĘBA – zakończona.\n", encoding="utf-8")
    out = somflow_workspace / "raport.pdf"
    result = somflow_cli("standards", "report", "--year", "2026", "--conclusions", str(conclusions), "--out", str(out))
    assert result.exit_code == 0, result.output
    text = " ".join(pdftotext(out).split())
    assert "Zięba" not in text and "ZIĘBA" not in text
    assert "(po sytuacji, którą zgłosił Z. T.)" in text and "Rozmowa z rodzicami: T. Z. – zakończona." in text


def test_a_name_in_a_notice_does_not_reach_the_heads_e_mail(somflow_workspace, somflow_smtp):
    from somflow import notices

    seed(somflow_workspace)
    ws = Workspace(somflow_workspace)
    mark = {"by": "Ala", "at": "2026-11-23T10:00:00", "reason": "pomyłka"}
    notice = notices.add(ws, "Wycofano wpis: zgoda Zięba Tomasz#1", mark)
    assert notices.mail_head(ws, notice) is None
    (message,) = somflow_smtp.to("dyrektor@sp7.example.pl")
    body = message.get_body(("plain",)).get_content()
    assert "Wycofano wpis: zgoda Z. T.#1" in body and "Zięba" not in body
