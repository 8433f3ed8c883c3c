from datetime import datetime
from zoneinfo import ZoneInfo

from cronsim import CronSim

from reformflow.deployments.schedules import build_deployments


def next_local_runs(deployment, after: datetime, count: int = 3) -> list[datetime]:
    schedule = deployment.schedules[0].schedule
    zone = ZoneInfo(schedule.timezone)
    runs = CronSim(schedule.cron, after.astimezone(zone))
    return [next(runs) for _ in range(count)]


def test_every_deployment_runs_at_its_local_time_in_shanghai():
    deployments = {d.name: d for d in build_deployments()}
    scheduled = {f"{office}-{job}" for office in ("shenzhen", "guangzhou-haizhu", "xiamen", "chengdu-gaoxin")
                 for job in ("daily-reminders", "report-chasing", "monthly-bulletin")}
    assert set(deployments) == scheduled | {"on-report-submitted", "on-document-received"}
    assert deployments["on-report-submitted"].triggers[0].expect == {"reformflow.report.submitted"}
    # Events name their office; each office's scheduled runs act for it alone.
    assert deployments["on-report-submitted"].triggers[0].parameters["office"] == "{{ event.payload.office }}"
    assert deployments["xiamen-monthly-bulletin"].parameters == {"office": "xiamen"}
    assert "office:xiamen" in deployments["xiamen-monthly-bulletin"].tags
    start = datetime(2026, 11, 20, 23, 0, tzinfo=ZoneInfo("UTC"))  # 07:00 on Saturday 21 November in Shanghai
    reminders = next_local_runs(deployments["shenzhen-daily-reminders"], start)
    # every day at 09:00 office time: the sweep skips days off itself, and works on 调休 weekends
    assert [(r.strftime("%a %d %H:%M")) for r in reminders] == ["Sat 21 09:00", "Sun 22 09:00", "Mon 23 09:00"]
    bulletin = next_local_runs(deployments["shenzhen-monthly-bulletin"], start, 2)
    assert [(r.month, r.day, r.hour) for r in bulletin] == [(12, 1, 9), (1, 1, 9)]
    assert all(d.description and "reformflow" in d.tags for d in deployments.values())
    from prefect.flows import load_flow_from_entrypoint

    for deployment in deployments.values():  # every entrypoint resolves, from the installed package
        assert load_flow_from_entrypoint(deployment.entrypoint).name == deployment.flow_name


def test_schedules_are_configurable(monkeypatch):
    from reformflow.core.settings import settings

    monkeypatch.setattr(settings, "bulletin_cron", "30 8 2 * *")
    bulletin = next(d for d in build_deployments() if d.name == "shenzhen-monthly-bulletin")
    run = next_local_runs(bulletin, datetime(2026, 11, 20, tzinfo=ZoneInfo("UTC")), 1)[0]
    assert (run.day, run.hour, run.minute, run.utcoffset().total_seconds()) == (2, 8, 30, 8 * 3600)
