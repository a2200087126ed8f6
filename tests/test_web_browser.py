"""somflow serve in a real browser: the system's chromium driven by Selenium, the server on a loopback port.

Flows a school office goes through: signing in, the dashboard, the review queue
(assigning a rejected page to its document), the language switch, a page the
role may not open. Screenshots of the main pages (1366×768) are saved to
``tests/screenshots/`` (or ``$SOMFLOW_SCREENSHOTS``). Skipped only where chromium
is not installed (``run.py test`` installs it).
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from pathlib import Path

import pytest
from conftest import REPO
from selenium.common.exceptions import WebDriverException
from test_inbox_review import set_aside, set_aside_built  # noqa: F401 - the fixtures: a scan with one page set aside

from somflow.plugins import PluginHost
from somflow.testing import WEB_PASSWORD
from somflow.web import accounts
from somflow.web.app import create_app
from somflow.workspace import Workspace

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
# While the old page goes, reading its elements fails as "stale" or, in chromium, as "unknown error: Node with
# given id does not belong to the document"; both are WebDriverExceptions, and a wait tries again until its timeout.
LEAVING_PAGE = (WebDriverException,)
SCREENSHOTS = Path(os.environ.get("SOMFLOW_SCREENSHOTS") or REPO / "tests" / "screenshots")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(CHROMIUM is None or not Path(CHROMEDRIVER).exists(), reason="chromium is not installed"),
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def server(somflow_workspace, set_aside):
    """``somflow serve`` of a workspace with a set-aside page, in a thread; yields its base URL."""
    import uvicorn

    workspace = Workspace(somflow_workspace, PluginHost(somflow_workspace))
    for login, role in (("sekretariat", "sekretariat"), ("kadry", "kadry"), ("dyrektor", "dyrektor")):
        accounts.add(workspace, login, role, WEB_PASSWORD)
    port = free_port()
    instance = uvicorn.Server(uvicorn.Config(create_app(workspace), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=instance.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not instance.started:
        assert time.monotonic() < deadline and thread.is_alive(), "the server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", set_aside
    instance.should_exit = True
    thread.join(10)


@pytest.fixture
def browser(tmp_path):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-quic",
        "--no-first-run",
        "--window-size=1366,768",
        f"--user-data-dir={tmp_path / 'chromium-profile'}",
    ):
        options.add_argument(argument)
    driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    driver.implicitly_wait(5)
    yield driver
    driver.quit()


def shot(driver, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(SCREENSHOTS / f"{name}.png"))


def heading_becomes(driver, text: str) -> None:
    """Wait for the page after a click or a form to arrive (the old page stays until then)."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    waiting = WebDriverWait(driver, 10, ignored_exceptions=LEAVING_PAGE)
    waiting.until(lambda d: d.find_element(By.TAG_NAME, "h1").text == text)


def main_says(driver, text: str) -> None:
    """Wait until the page's main part shows ``text`` (also what htmx loads after the page)."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    waiting = WebDriverWait(driver, 10, ignored_exceptions=LEAVING_PAGE)
    waiting.until(lambda d: text in d.find_element(By.TAG_NAME, "main").text)


def sign_in(driver, base: str, login: str) -> None:
    from selenium.webdriver.common.keys import Keys

    driver.get(base + "/")
    assert "/login" in driver.current_url
    assert driver.switch_to.active_element.get_attribute("id") == "login"  # the cursor waits in the first field
    driver.switch_to.active_element.send_keys(login, Keys.TAB)
    driver.switch_to.active_element.send_keys(WEB_PASSWORD, Keys.ENTER)  # keyboard only
    heading_becomes(driver, "Pulpit")


def test_the_office_signs_in_sees_the_dashboard_and_assigns_a_rejected_page(server, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    base, (_a, b, aside) = server
    browser.get(base + "/login")
    shot(browser, "01-logowanie")
    sign_in(browser, base, "sekretariat")
    assert "Do przejrzenia: 1" in browser.find_element(By.TAG_NAME, "main").text
    main_says(browser, "Jednostka")  # the status lines, loaded by htmx after the page
    shot(browser, "02-pulpit")

    browser.find_element(By.LINK_TEXT, "Przejrzyj skany").click()
    heading_becomes(browser, "Skany do przejrzenia")
    image = browser.find_element(By.CSS_SELECTOR, ".thumb img")
    assert browser.execute_script("return arguments[0].complete && arguments[0].naturalWidth", image) > 0
    shot(browser, "03-skany-do-przejrzenia")

    browser.find_element(By.ID, "page-1").send_keys("1")
    browser.find_element(By.ID, "doc-1").send_keys(b["id"][:12])
    browser.find_element(By.XPATH, "//button[text()='Przypisz do dokumentu']").click()
    WebDriverWait(browser, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, "[role=status]"))
    assert f"dokumenty {b['id']}" in browser.find_element(By.CSS_SELECTOR, "[role=status]").text
    assert "Nie ma plików do przejrzenia" in browser.find_element(By.TAG_NAME, "main").text
    assert not aside.exists()
    shot(browser, "04-strona-przypisana")

    browser.find_element(By.XPATH, "//button[text()='English']").click()
    heading_becomes(browser, "Scans to review")
    browser.find_element(By.XPATH, "//button[text()='Log out']").click()
    heading_becomes(browser, "Sign in")


def test_a_role_sees_its_own_menu_and_403_elsewhere(server, browser):
    from selenium.webdriver.common.by import By

    base, _documents = server
    sign_in(browser, base, "kadry")
    menu = browser.find_element(By.TAG_NAME, "nav").text
    assert "Pulpit" in menu and "Skany do przejrzenia" not in menu
    browser.get(base + "/inbox")
    heading_becomes(browser, "Brak dostępu")
    shot(browser, "05-brak-dostepu")


def test_every_menu_page_opens_and_is_photographed(server, browser):
    """The head sees every page of the menu; each is saved as a screenshot (the pages of the plugins too)."""
    from selenium.webdriver.common.by import By

    base, _documents = server
    sign_in(browser, base, "dyrektor")
    links = [(a.text, a.get_attribute("href")) for a in browser.find_elements(By.CSS_SELECTOR, "nav a")]
    assert links[0][0] == "Pulpit" and len(links) > 2
    for number, (_title, href) in enumerate(links, start=1):
        browser.get(href)  # returns when the page has loaded
        heading = browser.find_element(By.TAG_NAME, "h1").text
        assert heading and heading not in ("Brak dostępu", "Not Found"), href
        assert browser.execute_script("return document.documentElement.scrollWidth") <= 1366  # no sideways scrolling
        shot(browser, f"menu-{number:02d}-{href.rsplit('/', 1)[-1] or 'pulpit'}")
