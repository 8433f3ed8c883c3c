"""`make screenshots`: what the readers of ReformFlow see, as pictures under docs/screenshots/.

    python -m tools.screenshots [--out docs/screenshots]

Runs the demo cycle (the Shenzhen June 2020 ledger, as `reformflow demo`) in a temporary data directory, then
takes, in Debian's Chromium, the bulletin page, an agency's intake page and an e-mail reminder at 1280 px (a
desktop) and 390 px (a phone), and renders each page of the Word notice's PDF (LibreOffice's rendering of the
.docx, as printed) to PNG. The notice carries an example 文号 and issuing office, as an office would set them.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import tempfile
import threading
import time
from datetime import date
from pathlib import Path

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")  # two busy cores

CHROMIUM = "/usr/bin/chromium"
BROWSER_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run"]
SCREENS = {"1280": {"width": 1280, "height": 900}, "390": {"width": 390, "height": 844}}
DEMO_DAY = date(2020, 6, 23)
OFFICE = "shenzhen"  # the demo office: its 2020 list and reports
REMINDER_DAY = date(2020, 6, 29)  # the next working days' digests, as an agency receives them by e-mail
EXAMPLE_NOTICE = {"notice_issuer": "深圳市优化营商环境改革工作领导小组办公室",
                  "notice_number": "深营商办〔{year}〕{month}号"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("docs/screenshots"))
    args = parser.parse_args()
    out = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="reformflow-screenshots-") as folder:
        os.environ["PREFECT_HOME"] = str(Path(folder) / "prefect")  # before Prefect is imported
        Path(os.environ["PREFECT_HOME"]).mkdir()
        from reformflow.core.settings import settings

        settings.data_dir, settings.database_url = Path(folder) / "var", None
        for key, value in EXAMPLE_NOTICE.items():
            setattr(settings, key, value)
        bulletin = run_demo()
        reminder_html = Path(folder) / "reminder.html"
        reminder_html.write_text(email_reminder(), encoding="utf-8")
        with intake_server() as intake_url:
            shoot_pages(out, {"bulletin": Path(bulletin["html"]).as_uri(), "intake": intake_url,
                              "email-reminder": reminder_html.as_uri()})
        notice_pages(Path(bulletin["pdf"]), out)
    for picture in sorted(out.glob("*.png")):
        print(picture.relative_to(Path.cwd()) if picture.is_relative_to(Path.cwd()) else picture)


def run_demo() -> dict:
    from reformflow.core.settings import SAMPLES
    from reformflow.flows.cycle import supervision_cycle

    documents = [str(SAMPLES / "documents" / "002_21bdac3652985b47.txt")]
    result = supervision_cycle(documents, DEMO_DAY, str(SAMPLES / "reports-2020-06.csv"), office=OFFICE)
    return result["bulletin"]


def email_reminder() -> str:
    """The e-mail (HTML) one agency would receive with its next reminder digest: the unit with the most lines."""
    from reformflow.core import db
    from reformflow.flows.office import reminder_policy, report_links
    from reformflow.notifications.render import render_message
    from reformflow.supervision.reminders.plan import plan_reminders

    with db.transaction(OFFICE) as session:
        units = _units(session)
        digests = plan_reminders(REMINDER_DAY, session=session, policy=reminder_policy(OFFICE),
                                 channels={unit.id: ["email"] for unit in units})
        digest = max(digests, key=lambda d: (len(d.tasks), d.unit.name))
        office = next(unit for unit in units if unit.is_office)
        link = report_links(OFFICE).url(digest.unit.slug, REMINDER_DAY.strftime("%Y-%m"))
        message = render_message("reminder.html.j2", digest=digest, as_of=REMINDER_DAY, office_name=office.name,
                                 link=link)
    return message.body


def _units(session) -> list:
    from sqlmodel import select

    from reformflow.models import Unit

    return list(session.exec(select(Unit)))


class intake_server:
    """The agencies' intake page, served on a free local port, opened with 市公安局's link for June 2020."""

    def __enter__(self) -> str:
        import uvicorn

        from reformflow.flows.office import report_links
        from reformflow.intake.app import create_app

        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        self.server = uvicorn.Server(uvicorn.Config(create_app(), host="127.0.0.1", port=port, log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        while not self.server.started:
            time.sleep(0.05)
        slug = _unit_slug("市公安局")
        return f"http://127.0.0.1:{port}/r/{report_links(OFFICE).token(slug, DEMO_DAY.strftime('%Y-%m'))}"

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def _unit_slug(name: str) -> str:
    from sqlmodel import select

    from reformflow.core import db
    from reformflow.models import Unit

    with db.transaction(OFFICE) as session:
        return session.exec(select(Unit).where(Unit.name == name)).one().slug


def shoot_pages(out: Path, pages: dict[str, str]) -> None:
    """For each page and screen: the first screen (`NAME-1280.png`) and the whole page (`NAME-1280-full.png`),
    at twice the pixels of a CSS pixel on a phone, as its screen has."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        for screen, viewport in SCREENS.items():
            context = browser.new_context(viewport=viewport, device_scale_factor=2 if screen == "390" else 1)
            page = context.new_page()
            for name, url in pages.items():
                page.goto(url)
                page.wait_for_load_state("load")
                page.screenshot(path=str(out / f"{name}-{screen}.png"))
                page.screenshot(path=str(out / f"{name}-{screen}-full.png"), full_page=True)
                if name == "bulletin":
                    for index, chart in enumerate(page.locator("picture img").all(), start=1):
                        chart.scroll_into_view_if_needed()
                        chart.screenshot(path=str(out / f"bulletin-{screen}-chart{index}.png"))
            context.close()
        browser.close()


def notice_pages(pdf: Path, out: Path, dpi: int = 100) -> None:
    """Each page of the notice as printed (`notice-page-N.png`), and the PDF itself beside them."""
    import pypdfium2

    for old in out.glob("notice-page-*.png"):
        old.unlink()
    document = pypdfium2.PdfDocument(pdf)
    for number, page in enumerate(document, start=1):
        page.render(scale=dpi / 72).to_pil().save(out / f"notice-page-{number}.png")
    document.close()
    shutil.copyfile(pdf, out / "notice.pdf")


if __name__ == "__main__":
    main()
