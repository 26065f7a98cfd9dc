"""The dashboard in a real browser: Debian's chromium driven by selenium through chromium-driver.

Logs in, checks the seeded scenario's figures, filters, exports a CSV, and leaves screenshots at phone and
desktop widths (and the monthly page printed to PDF) in /tmp/dashboard-shots/.
"""

from __future__ import annotations

import csv
import shutil
import time
from pathlib import Path

import pytest

from tests.support.dashboard import PASSWORD, PERIOD, PERIOD_QUERY, in_period, independent

CHROMIUM = shutil.which("chromium")
CHROMEDRIVER = shutil.which("chromedriver")
SHOTS = Path("/tmp/dashboard-shots")
PHONE, DESKTOP = (390, 844), (1280, 900)

pytestmark = pytest.mark.skipif(
    CHROMIUM is None or CHROMEDRIVER is None,
    reason="needs Debian's chromium and chromium-driver: apt-get install -y chromium chromium-driver",
)


@pytest.fixture
def browser(tmp_path):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={tmp_path / 'profile'}",
        "--disable-dev-shm-usage",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    driver.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(tmp_path)})
    yield driver
    driver.quit()


def log_in(driver, url: str, username: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get(f"{url}/masuk")
    driver.find_element(By.NAME, "username").send_keys(username)
    driver.find_element(By.NAME, "password").send_keys(PASSWORD)
    driver.find_element(By.CSS_SELECTOR, "form[action='/masuk'] button").click()
    # The click does not wait for the redirect: a page asked for before it lands is replaced by it.
    WebDriverWait(driver, 20).until(lambda d: not d.current_url.endswith("/masuk"))


def shoot(driver, name: str, size: tuple[int, int]) -> Path:
    """The whole page at that width (the window grown to the page's height)."""
    driver.set_window_size(*size)
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(size[0], min(max(height, size[1]), 12000))
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    driver.save_screenshot(str(path))
    driver.set_window_size(*size)
    return path


def pct_text(value) -> str:
    return "–" if value is None else f"{value:.1f} %".replace(".", ",")


def test_log_in_check_figures_filter_export_and_screenshots(browser, dashboard, seeded, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait

    browser.set_window_size(*DESKTOP)
    log_in(browser, dashboard.url, "kominfo")
    assert browser.current_url.rstrip("/") == dashboard.url
    browser.get(f"{dashboard.url}/?{PERIOD_QUERY}")
    whole = independent.agency_figures(in_period(seeded.truths), seeded.now)
    assert browser.find_element(By.ID, "kpi-reports").text == str(whole["reports"])
    assert browser.find_element(By.ID, "kpi-completed").text == pct_text(whole["completed_pct"])
    assert browser.find_element(By.ID, "kpi-followed-up").text == pct_text(whole["followed_up_pct"])
    assert browser.find_element(By.ID, "kpi-overdue").text == str(whole["overdue"])
    by_agency = independent.by_agency(in_period(seeded.truths), seeded.now)
    below = browser.find_elements(By.CSS_SELECTOR, "table[data-table=monev] tr.below-floor td:first-child")
    below_floor = {a for a, f in by_agency.items() if f["below_floor"]}
    assert {cell.text for cell in below if cell.text} == below_floor != set()  # the last row is the total
    shoot(browser, "desktop-overview", DESKTOP)
    shoot(browser, "phone-overview", PHONE)

    browser.set_window_size(*DESKTOP)
    Select(browser.find_element(By.NAME, "kanal")).select_by_value("whatsapp")
    browser.find_element(By.CSS_SELECTOR, "form.filters button").click()
    WebDriverWait(browser, 20).until(lambda b: "kanal=whatsapp" in b.current_url)  # the filtered page loaded
    whatsapp = [t for t in in_period(seeded.truths) if t.channel == "whatsapp"]
    assert browser.find_element(By.ID, "kpi-reports").text == str(len(whatsapp))

    browser.find_element(By.CSS_SELECTOR, "#tabel-monev a.csv").click()
    deadline = time.monotonic() + 30
    while not (exported := [p for p in tmp_path.glob("monev_*.csv")]) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert exported, "the CSV export was not downloaded"
    with exported[0].open(encoding="utf-8-sig") as file:
        total = list(csv.DictReader(file))[-1]
    assert int(total["Laporan"]) == len(whatsapp)
    assert float(total["% selesai"]) == independent.agency_figures(whatsapp, seeded.now)["completed_pct"]

    browser.get(f"{dashboard.url}/bulanan?bulan={PERIOD[1].strftime('%Y-%m')}")
    assert "Laporan Monev LAPOR!" in browser.find_element(By.TAG_NAME, "h1").text
    shoot(browser, "desktop-monthly", DESKTOP)
    shoot(browser, "phone-monthly", PHONE)
    import base64

    (SHOTS / "monthly-print.pdf").write_bytes(base64.b64decode(browser.print_page()))


def test_unauthenticated_and_wrong_role_are_refused_in_the_browser(browser, dashboard, seeded):
    from selenium.webdriver.common.by import By

    browser.get(f"{dashboard.url}/?{PERIOD_QUERY}")
    assert browser.current_url == f"{dashboard.url}/masuk"
    log_in(browser, dashboard.url, "satpol")
    browser.get(f"{dashboard.url}/audit")
    assert "hanya untuk admin koordinator" in browser.find_element(By.TAG_NAME, "body").text
    other = next(t for t in seeded.truths if t.agency_id != "satpol-pp-kota-bandung")
    browser.get(f"{dashboard.url}/laporan/{other.tracking_id}")
    assert "instansi lain" in browser.find_element(By.TAG_NAME, "body").text
    browser.get(f"{dashboard.url}/?{PERIOD_QUERY}")
    cells = browser.find_elements(By.CSS_SELECTOR, "table[data-table=monev] tbody tr td:first-child")
    assert [c.text for c in cells] == ["satpol-pp-kota-bandung", ""]  # its agency, then the total
    shoot(browser, "phone-penghubung", PHONE)
