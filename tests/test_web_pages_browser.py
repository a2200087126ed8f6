"""The procedure pages in a real browser (the system's chromium, driven by Selenium): recording a consent and an NK step.

Reuses the server, browser and screenshot helpers of ``test_web_browser.py``; the
workspace here has a class list and a Niebieska Karta case instead of a set-aside scan.
"""

from __future__ import annotations

import pytest
from nk_cli import MOTHER, PEDAGOG, new_case, start
from nk_data import payload
from test_web_browser import browser, heading_becomes, server, shot, sign_in  # noqa: F401 - fixtures and helpers

from somflow.plugins import PluginHost
from somflow.testing import WEB_PASSWORD
from somflow.web import accounts
from somflow.workspace import Workspace

pytestmark = pytest.mark.slow

CLASS = "Imię;Nazwisko;Klasa\nAda;Strona;3b\nFilip;Bezzgody;3b\n"


@pytest.fixture
def set_aside(somflow_workspace, somflow_cli, tmp_path, monkeypatch):
    """Stands in for the inbox fixture the shared server asks for: a class 3b, an open NK case, a coordinator."""
    monkeypatch.setenv("SOMFLOW_TODAY", "2026-12-10")
    csv = tmp_path / "3b.csv"
    csv.write_text(CLASS, encoding="utf-8")
    assert somflow_cli("people", "import", str(csv)).exit_code == 0
    case_id = new_case(somflow_cli, tmp_path)
    start(somflow_cli, case_id)
    accounts.add(
        Workspace(somflow_workspace, PluginHost(somflow_workspace)), "koordynator", "koordynator", WEB_PASSWORD
    )
    return case_id, None, None


def submit(driver, text: str) -> None:
    """Click the button and wait for the next page to replace this one (the old page stays until then).

    On a busy machine chromium may still be settling the page found a moment ago ("node does
    not belong to the document"): the button is found again and clicked once more.
    """
    import time

    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    for attempt in range(3):
        button = driver.find_element(By.XPATH, f"//button[text()='{text}']")
        try:
            button.click()
            break
        except WebDriverException:
            if attempt == 2:
                raise
            time.sleep(0.3)

    def replaced(_driver) -> bool:  # chromium says "stale" in two ways
        try:
            button.is_enabled()
        except WebDriverException:
            return True
        return False

    WebDriverWait(driver, 10).until(replaced)
    WebDriverWait(driver, 10).until(lambda d: d.execute_script("return document.readyState") == "complete")


def status_text(driver) -> str:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, "[role=status], [role=alert]"))
    return " ".join(e.text for e in driver.find_elements(By.CSS_SELECTOR, "[role=status], [role=alert]"))


def test_the_office_checks_a_class_and_records_a_consent(server, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    base, _data = server
    sign_in(browser, base, "sekretariat")
    browser.find_element(By.LINK_TEXT, "Zgody na wizerunek").click()
    heading_becomes(browser, "Zgody na wizerunek")
    Select(browser.find_element(By.ID, "f-klasa")).select_by_value("3b")
    browser.find_element(By.ID, "f-kanal-1").click()  # strona internetowa
    submit(browser, "Sprawdź")
    browser.find_element(By.XPATH, "//th[text()='Może wystąpić?']")
    assert "NIE — nie zwrócono zgody" in browser.find_element(By.TAG_NAME, "tbody").text
    shot(browser, "10-zgody-klasa")

    browser.find_element(By.LINK_TEXT, "Ada Strona").click()
    heading_becomes(browser, "Zgoda na wizerunek: Ada Strona")
    for box in ("f-kanal-1", "f-zdjecie-2"):  # website; group photos — no purpose ticked yet
        browser.find_element(By.ID, box).click()
    submit(browser, "Zapisz zgodę")
    assert "Zgoda obejmuje tylko to, co rodzic zaznaczył" in status_text(browser)
    assert browser.find_element(By.ID, "f-kanal-1").is_selected()  # nothing typed is lost
    browser.find_element(By.ID, "f-cel-1").click()
    submit(browser, "Zapisz zgodę")
    assert "Zapisano zgodę." in status_text(browser)
    rows = browser.find_element(By.XPATH, "//th[text()='strona internetowa']/..").text
    assert "NIE" in rows and "TAK" in rows  # group photos yes, individual no
    shot(browser, "11-zgoda-dziecka")


def test_the_coordinator_records_an_nk_step_and_is_refused_the_suspect(server, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    base, (case_id, _b, _c) = server
    sign_in(browser, base, "koordynator")
    browser.find_element(By.LINK_TEXT, "Niebieska Karta").click()
    heading_becomes(browser, "Niebieska Karta")
    shot(browser, "12-nk-sprawy")
    browser.find_element(By.LINK_TEXT, "Załóż nową sprawę").click()
    heading_becomes(browser, "Nowa sprawa NK")
    shot(browser, "12b-nk-nowa-sprawa")
    browser.find_element(By.LINK_TEXT, "Wróć do listy spraw").click()
    heading_becomes(browser, "Niebieska Karta")
    browser.find_element(By.CSS_SELECTOR, f"a[href='/nk/{case_id}']").click()
    Select(browser.find_element(By.ID, "f-krok")).select_by_value("nk-b")
    browser.find_element(By.ID, "f-osoba").send_keys(PEDAGOG)
    browser.find_element(By.ID, "f-recipient").send_keys(payload()["nka"]["osoby_stosujace"][0]["imie_nazwisko"])
    Select(browser.find_element(By.ID, "f-recipient_role")).select_by_value("rodzic")
    submit(browser, "Zapisz krok")
    assert "nie przekazuje się osobie, wobec której istnieje podejrzenie" in status_text(browser)
    shot(browser, "13-nk-b-odmowa")
    recipient = browser.find_element(By.ID, "f-recipient")
    recipient.clear()
    recipient.send_keys(MOTHER)
    submit(browser, "Zapisz krok")
    assert "Zapisano krok sprawy." in status_text(browser)
    assert f"przekazano: {MOTHER} (rodzic)" in browser.find_element(By.CSS_SELECTOR, "ol.timeline").text
    shot(browser, "14-nk-krok-zapisany")
