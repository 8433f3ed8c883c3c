"""The bulletin's numbers from SQL are the numbers the object-by-object computation gave: the same JSON, key by
key, for the demo ledger and for a generated ledger with a year of reports (several periods and days).
`recorded_bulletins.json` holds a hash of each key's JSON, written before the rewrite (commit ba61fb6) with
`python -m tests.supervision.bulletin.test_compute_recorded`."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from pathlib import Path

from sqlmodel import Session

from reformflow.core.calendar import WorkingCalendar
from reformflow.supervision.bulletin.compute import compute_bulletin
from tests.factories import demo_ledger, generated_ledger, generated_reports, new_session

RECORDED = Path(__file__).with_name("recorded_bulletins.json")
GENERATED = (("2020-03", date(2020, 3, 31)), ("2020-06", date(2020, 6, 23)), ("2020-06", date(2020, 7, 5)),
             ("2020-12", date(2020, 12, 31)))


def fingerprint(bulletin: dict) -> dict[str, str]:
    """Each key of the bulletin → a hash of its JSON as the bulletin file writes it (order included)."""
    return {key: hashlib.sha256(json.dumps(value, ensure_ascii=False).encode()).hexdigest()[:16]
            for key, value in bulletin.items()} | {"keys": ",".join(bulletin)}


def compute_all(session: Session, ledger: str) -> dict[str, dict[str, str]]:
    if ledger == "demo":
        return {"2020-06@2020-06-23": fingerprint(compute_bulletin("2020-06", date(2020, 6, 23), session=session,
                                                                   calendar=WorkingCalendar()))}
    return {f"{period}@{day}": fingerprint(compute_bulletin(period, day, session=session, calendar=WorkingCalendar()))
            for period, day in GENERATED}


def build(session: Session, ledger: str) -> None:
    if ledger == "demo":
        demo_ledger(session)
    else:
        generated_ledger(session, tasks=400, units=40)
        generated_reports(session)
    session.commit()


def test_the_demo_bulletin_is_the_recorded_one(session):
    build(session, "demo")
    assert compute_all(session, "demo") == json.loads(RECORDED.read_text(encoding="utf-8"))["demo"]


def test_a_year_of_reports_gives_the_recorded_bulletins(session):
    build(session, "generated")
    recorded = json.loads(RECORDED.read_text(encoding="utf-8"))["generated"]
    for name, keys in compute_all(session, "generated").items():
        assert keys == recorded[name], name


if __name__ == "__main__":
    import tempfile

    from reformflow.core import db
    from reformflow.core.settings import settings

    recorded = {}
    for ledger in ("demo", "generated"):
        settings.data_dir, settings.database_url = Path(tempfile.mkdtemp()), None
        with new_session() as recording:
            build(recording, ledger)
            recorded[ledger] = compute_all(recording, ledger)
        db.get_engine(settings.office).dispose()
    RECORDED.write_text(json.dumps(recorded, indent=1) + "\n", encoding="utf-8")
