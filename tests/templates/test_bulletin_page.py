"""The bulletin page in headless Chromium (Debian's) at a phone's width and a desktop's: nothing scrolls
sideways on a 390 px phone, the charts are the phone versions with legible labels, and the desktop keeps every
column."""

from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from reformflow.core.calendar import WorkingCalendar
from reformflow.supervision.bulletin.charts import PHONE
from reformflow.supervision.bulletin.compute import compute_bulletin
from reformflow.supervision.bulletin.publish import publish_bulletin
from tests.factories import ledger, task

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
UNITS = ["人民银行深圳市中心支行", "深汕特别合作区管委会", "市规划和自然资源局", "市政务服务数据管理局",
         "各区政府（新区管委会）", "市文化广电旅游体育局", "市公安局"]


@pytest.fixture
def page_url(session, tmp_path, data_dir):
    """A month with long unit names, long area names, overdue tasks and an unbroken URL in a task's title."""
    tasks = [task(str(n), [UNITS[n % 7]], [UNITS[(n + 3) % 7]], deadline=date(2020, 3 + n % 5, 28),
                  area=f"深化工程建设项目审批制度改革第{n % 6}批重点事项",
                  title=f"推进第{n}项改革：https://www.example.gov.cn/zwgk/ggfw/{n}/index_detail_page.html")
             for n in range(1, 41)]
    ledger(session, tmp_path, tasks)
    data = compute_bulletin("2020-06", date(2020, 6, 23), session=session, calendar=WorkingCalendar())
    assert data["overdue"]  # the cards are part of what is checked
    return Path(publish_bulletin(data, data_dir / "bulletins", session=session).record.html_path).as_uri()


def _open(playwright, url: str, width: int):
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
    page = browser.new_page(viewport={"width": width, "height": 844})
    page.goto(url)
    page.wait_for_load_state("load")
    return browser, page


def test_nothing_scrolls_sideways_on_a_phone(page_url):
    with sync_playwright() as playwright:
        browser, page = _open(playwright, page_url, 390)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        overflowing = page.evaluate("""[...document.querySelectorAll('table, img, .card, li, dd')]
            .filter(e => e.getBoundingClientRect().right > 390).length""")
        assert overflowing == 0  # no table or chart hidden in a scrolling box either
        assert not page.locator("th:text-is('牵头')").is_visible()  # the unit table keeps its key columns
        assert page.locator("th:text-is('办结率')").is_visible()
        card = page.locator("table.as-cards tr").nth(1)
        assert card.evaluate("e => getComputedStyle(e).display") == "flex"  # overdue tasks as cards
        label = card.locator("td[data-label='牵头单位']").evaluate("e => getComputedStyle(e, '::before').content")
        assert "牵头单位" in label  # each particular named on its card
        charts = page.locator("picture img")
        assert charts.count() == 2
        for index in range(2):
            chart = charts.nth(index)
            chart.scroll_into_view_if_needed()
            chart.evaluate("e => e.decode()")
            assert chart.evaluate("e => e.currentSrc") == page.locator("picture source").nth(index).get_attribute(
                "srcset")  # the phone version
            natural, shown = chart.evaluate("e => [e.naturalWidth, e.getBoundingClientRect().width]")
            label_px = PHONE.label_size / 72 * PHONE.dpi * shown / natural
            assert shown <= 390 and label_px >= 11  # labels as large as the page's small print
        browser.close()


def test_a_desktop_shows_every_column_and_the_wide_charts(page_url):
    with sync_playwright() as playwright:
        browser, page = _open(playwright, page_url, 1280)
        assert page.locator("th:text-is('牵头')").is_visible()
        assert page.locator("table.as-cards tr.head").is_visible()  # the overdue list is a table again
        chart = page.locator("picture img").first
        assert chart.evaluate("e => e.currentSrc") == chart.get_attribute("src")
        browser.close()
