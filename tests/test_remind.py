"""``somflow remind`` against a real SMTP server on loopback (aiosmtpd).

Delivery is at least once: a reminder is marked "sending" before it is handed
to the server and "sent" after the server took it. A crash in between makes
the next run send it again (one repeat, flagged in the e-mail) rather than
never (a gap would be a missed legal deadline).
"""

from __future__ import annotations

import subprocess
import sys
from datetime import timedelta

import pytest
from conftest import run_somflow
from reminder_fixtures import (
    COORDINATOR,
    HEAD,
    PESEL,
    TODAY,
    SeededPlugin,
    bodies,
    install_plugin_file,
    register_plugin,
    seed,
    sent_records,
)

from somflow.errors import SomflowError
from somflow.testing import smtp_sink

DAY = TODAY.isoformat()


@pytest.fixture
def seeded(somflow_workspace, somflow_smtp, monkeypatch):
    seed(somflow_workspace)
    register_plugin(monkeypatch, SeededPlugin(), "seeded")
    return somflow_smtp


@pytest.fixture
def seeded_process(somflow_workspace, somflow_smtp, monkeypatch):
    """The same, for somflow run as a separate process (the plugin is a workspace plugin file)."""
    seed(somflow_workspace)
    install_plugin_file(somflow_workspace)
    monkeypatch.setenv("SOMFLOW_PLUGINS", "seeded")
    return somflow_smtp


def numbers(message) -> list[str]:
    text, _html = bodies(message)
    return [
        n for n in ("NK/1/2026", "NK/2/2026", "NK/3/2026", "NK/4/2026", "(nauczyciel)", "(wychowawca)") if n in text
    ]


def test_one_digest_per_recipient_with_the_right_items(seeded, somflow_cli, somflow_workspace):
    result = somflow_cli("remind", "--today", DAY)
    assert result.exit_code == 0, result.output
    assert len(seeded.messages) == 2
    assert seeded.connections == 1  # both digests over one connection
    (coordinator,), (head,) = seeded.to(COORDINATOR), seeded.to(HEAD)
    # Coordinator: NK/1 overdue, NK/2 today, NK/3 at the 7-day stage; NK/4 (due 29 Dec) not yet.
    assert numbers(coordinator) == ["NK/1/2026", "NK/2/2026", "NK/3/2026"]
    # Head: the overdue NK-A escalates; the vetting declaration due in 7 days; the one due in 17 days not yet.
    assert numbers(head) == ["NK/1/2026", "(nauczyciel)"]

    text, html = bodies(coordinator)
    assert coordinator["Subject"].startswith("PO TERMINIE (1). Terminy do dopilnowania: 3 — Szkoła Podstawowa nr 7")
    assert (
        "PO TERMINIE\n- 2026-12-10 (czw) — Przekazać NK-A do Zespołu Interdyscyplinarnego (sprawa NK/1/2026) — 4 dni po terminie"
        in text
    )
    assert "DZIŚ\n- 2026-12-14 (pn)" in text
    assert "WKRÓTCE\n- 2026-12-17 (czw)" in text and "za 3 dni" in text
    assert "<h3>PO TERMINIE</h3>" in html and "sprawa NK/1/2026" in html
    assert head["From"] == "somflow@sp7.example.pl"
    for message in seeded.messages:
        raw = message.as_string()
        assert PESEL not in raw and "Kowalski" not in raw
    assert len(sent_records(somflow_workspace)) == 5
    assert "Przypomnienia: wysłane: 5, ostatnio: " in somflow_cli("status").output


def test_running_twice_sends_nothing_the_second_time(seeded, somflow_cli):
    assert somflow_cli("remind", "--today", DAY).exit_code == 0
    result = somflow_cli("remind", "--today", DAY)
    assert result.exit_code == 0
    assert "Na dziś nie ma przypomnień do wysłania." in result.output
    assert len(seeded.messages) == 2


def test_a_day_later_only_the_new_stage_goes_out(seeded, somflow_cli):
    assert somflow_cli("remind", "--today", DAY).exit_code == 0
    seeded.messages.clear()
    assert somflow_cli("remind", "--today", (TODAY + timedelta(days=1)).isoformat()).exit_code == 0
    # NK/2 (due yesterday) is now overdue: the coordinator and, escalated, the head. Nothing else changed stage.
    assert [numbers(m) for m in seeded.to(COORDINATOR)] == [["NK/2/2026"]]
    assert [numbers(m) for m in seeded.to(HEAD)] == [["NK/2/2026"]]
    seeded.messages.clear()
    assert somflow_cli("remind", "--today", (TODAY + timedelta(days=2)).isoformat()).exit_code == 0
    # Wed 16 Dec: NK/3 is due tomorrow (1-day stage).
    assert [numbers(m) for m in seeded.messages] == [["NK/3/2026"]]
    assert "jutro" in bodies(seeded.messages[0])[0]


def test_dry_run_sends_and_records_nothing(seeded, somflow_cli, somflow_workspace):
    result = somflow_cli("remind", "--dry-run", "--today", DAY)
    assert result.exit_code == 0
    assert f"Do {COORDINATOR} (pozycje: 3):" in result.output and f"Do {HEAD} (pozycje: 2):" in result.output
    assert (
        seeded.messages == []
        and sent_records(somflow_workspace) == []
        and sent_records(somflow_workspace, "sending") == []
    )


def test_server_down_fails_clearly_marks_nothing_and_the_next_run_delivers(seeded_process, somflow_workspace):
    seeded_process.stop()
    result = run_somflow("remind", "--today", DAY)
    assert result.returncode == 4
    assert "Nie można połączyć się z serwerem poczty 127.0.0.1:" in result.stderr
    assert "serwer nie przyjmuje połączeń" in result.stderr
    assert "następne uruchomienie somflow remind spróbuje ponownie" in result.stderr
    assert sent_records(somflow_workspace) == [] and sent_records(somflow_workspace, "sending") == []
    seeded_process.start()
    result = run_somflow("remind", "--today", DAY)
    assert result.returncode == 0, result.stderr
    assert len(seeded_process.messages) == 2


def test_server_refusing_the_message_marks_nothing(seeded_process, somflow_workspace):
    seeded_process.fail_with = "554 5.7.1 Wiadomosc odrzucona"
    result = run_somflow("remind", "--today", DAY)
    assert result.returncode == 4
    assert (
        "Serwer poczty odrzucił wiadomość do dyrektor@sp7.example.pl: 554 5.7.1 Wiadomosc odrzucona." in result.stderr
    )
    assert sent_records(somflow_workspace) == [] and sent_records(somflow_workspace, "sending") == []
    seeded_process.fail_with = None
    assert run_somflow("remind", "--today", DAY).returncode == 0
    assert len(seeded_process.messages) == 2
    assert all("(*)" not in bodies(m)[0] for m in seeded_process.messages)


def test_server_dropping_the_connection_marks_nothing_sent_and_the_retry_is_flagged(seeded_process, somflow_workspace):
    seeded_process.drop = True
    result = run_somflow("remind", "--today", DAY)
    assert result.returncode == 4
    assert (
        "Połączenie z serwerem poczty zostało przerwane podczas wysyłania do dyrektor@sp7.example.pl" in result.stderr
    )
    assert "Nie wysłano do koordynator@sp7.example.pl" in result.stderr
    assert sent_records(somflow_workspace) == []
    seeded_process.drop = False
    assert run_somflow("remind", "--today", DAY).returncode == 0
    (head,) = seeded_process.to(HEAD)
    assert "(*) poprzednia wysyłka została przerwana" in bodies(head)[0]  # the dropped one may have arrived
    assert len(sent_records(somflow_workspace)) == 5


def test_killed_between_send_and_ledger_write_repeats_once_never_misses(seeded_process, somflow_workspace):
    proc = subprocess.Popen(
        [sys.executable, "-m", "somflow", "remind", "--today", DAY], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    # The server keeps the first message, then kills the sender before answering "250 OK":
    # the mail is delivered but the ledger never hears of it.
    seeded_process.on_message = lambda message: proc.kill()
    proc.communicate(timeout=120)
    assert proc.returncode != 0
    assert len(seeded_process.messages) == 1 and seeded_process.messages[0]["To"] == HEAD
    assert sent_records(somflow_workspace) == [] and len(sent_records(somflow_workspace, "sending")) == 2
    assert "niepotwierdzone (ponowione w następnym uruchomieniu): 2" in run_somflow("status").stdout
    seeded_process.on_message = None

    assert run_somflow("remind", "--today", DAY).returncode == 0
    assert run_somflow("remind", "--today", DAY).returncode == 0  # and nothing more after that
    assert len(seeded_process.to(HEAD)) == 2  # one repeat ...
    assert len(seeded_process.to(COORDINATOR)) == 1  # ... and no gap
    assert "(*)" in bodies(seeded_process.to(HEAD)[1])[0]
    assert len(sent_records(somflow_workspace)) == 5


@pytest.mark.parametrize("security", ["starttls", "ssl"])
def test_encrypted_connection_with_login_password_from_the_environment(
    security, somflow_workspace, somflow_cli, tmp_path, monkeypatch
):
    seed(somflow_workspace)
    register_plugin(monkeypatch, SeededPlugin(), "seeded")
    with smtp_sink(tmp_path / "tls", security=security, user="somflow", password="tajne-hasło") as sink:
        sink.configure(somflow_workspace)
        monkeypatch.setenv("SSL_CERT_FILE", str(sink.cafile))
        monkeypatch.setenv("SOMFLOW_SMTP_PASSWORD", "tajne-hasło")
        assert somflow_cli("remind", "--today", DAY).exit_code == 0
        assert len(sink.messages) == 2
    assert "tajne" not in (somflow_workspace / "somflow.toml").read_text(encoding="utf-8")


def test_password_from_the_keyring(somflow_workspace, somflow_cli, tmp_path, monkeypatch):
    import keyring
    from keyring.backend import KeyringBackend

    class MemoryKeyring(KeyringBackend):
        priority = 1

        def get_password(self, service, username):
            return "z-keyringa" if (service, username) == ("somflow", "somflow") else None

        def set_password(self, service, username, password):
            raise NotImplementedError

        def delete_password(self, service, username):
            raise NotImplementedError

    seed(somflow_workspace)
    register_plugin(monkeypatch, SeededPlugin(), "seeded")
    previous = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())
    monkeypatch.delenv("SOMFLOW_SMTP_PASSWORD", raising=False)
    try:
        with smtp_sink(tmp_path / "tls", security="starttls", user="somflow", password="z-keyringa") as sink:
            sink.configure(somflow_workspace)
            monkeypatch.setenv("SSL_CERT_FILE", str(sink.cafile))
            assert somflow_cli("remind", "--today", DAY).exit_code == 0
            assert len(sink.messages) == 2
    finally:
        keyring.set_keyring(previous)


def test_wrong_or_missing_password_is_a_clear_message(somflow_workspace, tmp_path, monkeypatch):
    seed(somflow_workspace)
    install_plugin_file(somflow_workspace)
    monkeypatch.setenv("SOMFLOW_PLUGINS", "seeded")
    with smtp_sink(tmp_path / "tls", security="starttls", user="somflow", password="dobre") as sink:
        sink.configure(somflow_workspace)
        env = {
            "SSL_CERT_FILE": str(sink.cafile),
            "SOMFLOW_SMTP_PASSWORD": "złe",
            "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring",
        }
        result = run_somflow("remind", "--today", DAY, env=env)
        assert result.returncode == 4
        assert "odrzucił login lub hasło użytkownika somflow" in result.stderr
        env["SOMFLOW_SMTP_PASSWORD"] = ""
        result = run_somflow("remind", "--today", DAY, env=env)
        assert result.returncode == 4
        assert (
            "Brak hasła do poczty dla użytkownika somflow: ustaw zmienną środowiskową SOMFLOW_SMTP_PASSWORD"
            in result.stderr
        )
        assert sink.messages == []
    assert sent_records(somflow_workspace, "sending") == []


def test_no_password_goes_over_a_clear_connection_unless_the_configuration_allows_it(
    somflow_workspace, somflow_cli, tmp_path, monkeypatch, caplog
):
    """Issue 19, point 6: security = "none" with a user sends no AUTH (no connection at all) by default."""
    seed(somflow_workspace)
    register_plugin(monkeypatch, SeededPlugin(), "seeded")
    monkeypatch.setenv("SOMFLOW_SMTP_PASSWORD", "tajne-hasło")
    with smtp_sink(tmp_path / "clear", security="none", user="somflow", password="tajne-hasło") as sink:
        sink.configure(somflow_workspace)
        with pytest.raises(SomflowError) as refused:
            somflow_cli("remind", "--today", DAY)
        assert refused.value.exit_code == 4
        assert 'security = "none" i użytkownika somflow: hasło poszłoby do serwera' in str(refused.value)
        assert "allow_plain_auth = true" in str(refused.value)
        assert sink.connections == 0 and sink.messages == []
        assert sent_records(somflow_workspace, "sending") == []

        toml = somflow_workspace / "somflow.toml"
        toml.write_text(
            toml.read_text(encoding="utf-8").replace("[smtp]\n", "[smtp]\nallow_plain_auth = true\n"), encoding="utf-8"
        )
        with caplog.at_level("WARNING", logger="somflow"):
            assert somflow_cli("remind", "--today", DAY).exit_code == 0
        assert len(sink.messages) == 2
        assert any("bez szyfrowania" in r.getMessage() and "otwartym tekstem" in r.getMessage() for r in caplog.records)


def test_a_role_without_an_address_is_reported_and_retried(seeded_process, somflow_workspace):
    toml = somflow_workspace / "somflow.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace(f'email = "{HEAD}"', 'email = ""'), encoding="utf-8")
    result = run_somflow("remind", "--today", DAY)
    assert result.returncode == 1
    assert (
        "Brak adresu e-mail dla roli head: uzupełnij klucz email w sekcji [head] pliku somflow.toml." in result.stderr
    )
    assert [m["To"] for m in seeded_process.messages] == [COORDINATOR]


def test_a_broken_plugin_is_named_and_the_others_are_still_reminded(seeded, somflow_cli, monkeypatch):
    from somflow import hookimpl
    from somflow.errors import SomflowError
    from somflow.plugins import PluginHost

    class Broken:
        @hookimpl
        def somflow_deadlines(self, workspace, today):
            raise KeyError("opened")

    patched = PluginHost.__init__

    def init(self, *args, **kwargs):
        patched(self, *args, **kwargs)
        self.pm.register(Broken(), name="broken_plugin")

    monkeypatch.setattr(PluginHost, "__init__", init)
    with pytest.raises(SomflowError) as info:
        somflow_cli("remind", "--today", DAY)
    assert info.value.exit_code == 1
    assert "Wtyczka broken_plugin nie podała terminów: KeyError: 'opened'" in str(info.value)
    assert len(seeded.messages) == 2


def test_two_plugins_with_one_key_stop_with_both_names(somflow_workspace, monkeypatch):
    seed(somflow_workspace)
    install_plugin_file(somflow_workspace)
    (somflow_workspace / "plugins" / "copycat.py").write_text(
        (somflow_workspace / "plugins" / "seeded.py").read_text(encoding="utf-8"), encoding="utf-8"
    )
    monkeypatch.setenv("SOMFLOW_PLUGINS", "seeded,copycat")
    result = run_somflow("deadlines")
    assert result.returncode == 1
    assert "Dwa terminy o tym samym kluczu case:" in result.stderr
    assert (
        "od wtyczki copycat i od wtyczki seeded" in result.stderr
        or "od wtyczki seeded i od wtyczki copycat" in result.stderr
    )
