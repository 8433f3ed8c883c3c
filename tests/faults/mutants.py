"""The mutation check of the delivery code: `make mutants` (or `python -m tests.faults.mutants [NAME...]`).

Each break below is a deliberate bug in the delivery code, most of them a failure found in the running system
(issue #17) put back. Each is applied to a temporary copy of the repository, and the fault and notification
tests run against that copy; a break they do not catch has survived. The score is printed; any survivor
fails the command. Nothing in the working tree is touched.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Notifications first: most breaks are caught there in seconds. The Prefect Secret block test starts a Prefect
# server and checks Prefect's block loading, not the delivery code under test here.
TESTS = ["tests/notifications", "tests/faults", "--deselect",
         "tests/notifications/test_secrets.py::test_contact_secrets_can_live_in_prefect_secret_blocks"]


@dataclass(frozen=True)
class Break:
    name: str
    path: str
    edits: tuple[tuple[str, str], ...]  # (text in the file, what it becomes); each text must occur once


BREAKS = [
    Break("claim state check removed", "notifications/outbox.py", (
        ('(_MESSAGES.c.id == bindparam("message_id"),\n                 _MESSAGES.c.state.in_((MessageState.QUEUED, '
         'MessageState.FAILED)))', '(_MESSAGES.c.id == bindparam("message_id"))'),)),
    Break("no back-off", "notifications/outbox.py", (
        ('values["next_attempt_at"] = now + timedelta(minutes=2 ** attempts)', 'values["next_attempt_at"] = now'),)),
    Break("never dead", "notifications/outbox.py", (
        ("    elif attempts >= max_attempts:", "    elif False:"),)),
    Break("attempt counter frozen", "notifications/outbox.py", (
        ("    attempts = claimed.attempts + 1", "    attempts = claimed.attempts + 0"),)),
    Break("no commit per window", "notifications/outbox.py", (  # every outcome recorded when the batch ends
        ("                _record_all(outcomes, max_attempts, report, session=session)\n                claims = ",
         "                claims = "),
        ("            outcomes, unsent = [], claims", "            unsent = claims"))),
    Break("a stopped sender's unsent claims kept", "notifications/outbox.py", (
        ("            _release(unsent, session=session)", "            pass"),)),
    Break("a stopped sender's outcomes not recorded", "notifications/outbox.py", (
        ("        with transaction() as session:\n            _record_all(outcomes, max_attempts, report, "
         "session=session)\n            _release(", "        with transaction() as session:\n            _release("),)),
    Break("scrubbing removed", "notifications/send.py", (
        ("Delivery(delivery.ok, scrub(delivery.error, url, expanded))", "Delivery(delivery.ok, delivery.error)"),)),
    Break("sweep lock removed", "supervision/reminders/sweep.py", (
        ('    take_lock("reminder-sweep", session=session)\n', ""),)),
    Break("stale claims resent", "notifications/outbox.py", (
        ("        if message.channel in IDEMPOTENT_CHANNELS:", "        if True:"),)),
    # The failures of issue #17, put back:
    Break("one error capture shared by every thread", "notifications/send.py", (  # the code before the fix
        ("    token = _call_log.set(lines)\n    try:\n        yield lines\n    finally:\n"
         "        _call_log.reset(token)",
         "    handler = logging.Handler(logging.WARNING)\n"
         "    handler.emit = lambda record: lines.append(record.getMessage())\n"
         "    logging.getLogger('apprise').addHandler(handler)\n    try:\n        yield lines\n    finally:\n"
         "        logging.getLogger('apprise').removeHandler(handler)"),)),
    Break("Secret block values not scrubbed", "notifications/secrets.py", (
        ("        if found:\n", "        if found and not name.startswith('secret:'):\n"),)),
    Break("URL-quoted secrets not scrubbed", "notifications/send.py", (
        ('for form in {value, quote(value, safe=""), quote(value)}:', "for form in {value}:"),)),
    Break("only ValueError caught in a send", "notifications/send.py", (
        ("        except Exception as exc:  # a missing variable", "        except ValueError as exc:  #"),
        ("        except Exception as exc:  # anything a channel", "        except ValueError as exc:  #"))),
    Break("a sender's exception abandons the batch", "notifications/outbox.py", (
        ("        return sender(url, outgoing)\n    except Exception as exc:",
         "        return sender(url, outgoing)\n    except ValueError as exc:"),)),
    Break("migrations without a lock", "reformflow/core/db.py", (
        ("    with _migration_lock(engine), engine.begin() as connection:", "    with engine.begin() as connection:"),
        ('            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEY})',
         "            pass"),
        ("        if _revision(connection) != head:  # another", "        if True:  # another"))),
    Break("rate limit checked, not reserved", "notifications/robot_limits.py", (
        ("    taken = sorted(sent + [utcnow()] * len(in_flight))", "    taken = sorted(sent)"),)),
    Break("requeue by id only in --state (the wrong hint)", "notifications/outbox.py", (
        ("Message.id.in_(ids), Message.state.in_(REQUEUEABLE)", "Message.id.in_(ids), Message.state == state"),)),
    Break("SMTP transaction not reset after a refusal", "notifications/channels/email.py", (
        ("    smtp.rset()\n    return EmailError", "    return EmailError"),)),
    Break("dropped SMTP connection not reopened", "notifications/channels/email.py", (
        ('            if reused and not getattr(exc, "after_mail", False):', "            if False:"),)),
    Break("a new SMTP connection per message", "notifications/channels/email.py", (
        ("        reused = server in self._open\n",
         "        self._drop(server, polite=True)\n        reused = False\n"),)),
    Break("long headers written unfolded", "notifications/channels/email.py", (
        ("len(name) + 2 + len(value) <= (self.max_line_length or 78)", "True"),)),
]


def copy_repository(into: Path) -> tuple[Path, Path]:
    """The repository's files (tracked and new, not ignored) under `into/src`, and `into/pkg` laying them out
    as the installed package `reformflow` by pyproject's package-dir map (symlinks, so that a break shows).
    The folder `reformflow/` itself is moved out of `src`: the tests run from `src`, and a `reformflow` folder
    there would be imported instead of the copy, its sub-packages then found in the editable install."""
    source, package = into / "src", into / "pkg" / "reformflow"
    files = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=ROOT, check=True,
                           capture_output=True, text=True).stdout.splitlines()
    for name in files:
        if (ROOT / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, source / name)
    mapping = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-dir"]
    root_package = (source / mapping["reformflow"]).rename(into / "reformflow-root")
    package.mkdir(parents=True)
    for child in root_package.iterdir():
        (package / child.name).symlink_to(child)
    for module, folder in mapping.items():
        if module != "reformflow":
            (package / module.removeprefix("reformflow.")).symlink_to(source / folder)
    return source, package.parent


def check_the_copy_is_tested(source: Path, package: Path) -> None:
    """The tests must import the copy, not the working tree the editable install points at."""
    probe = ("import tests.conftest, reformflow.notifications.outbox as m, reformflow.core.db as d; "
             "print(m.__file__, d.__file__)")
    paths = subprocess.run([sys.executable, "-c", probe], cwd=source, capture_output=True, text=True,
                           env=os.environ | {"PYTHONPATH": str(package)}).stdout.split()
    if len(paths) != 2 or not all(path.startswith(str(package)) for path in paths):
        raise SystemExit(f"the tests would not import the copy in {package} but {paths}")


def run_tests(source: Path, package: Path) -> tuple[int, str]:
    env = os.environ | {"PYTHONPATH": str(package), "PYTHONDONTWRITEBYTECODE": "1"}
    result = subprocess.run([sys.executable, "-m", "pytest", *TESTS, "-x", "-q", "-p", "no:cacheprovider"],
                            cwd=source, env=env, capture_output=True, text=True)
    caught = re.findall(r"^(?:FAILED|ERROR) (\S+)", result.stdout, re.MULTILINE)
    return result.returncode, caught[0] if caught else result.stdout.strip().splitlines()[-1:][0]


def in_copy(source: Path, package: Path, relative: str) -> Path:
    """A repository path in the copy: `reformflow/…` lives in the package tree (see copy_repository)."""
    return package / relative if relative.startswith("reformflow/") else source / relative


def apply(path: Path, broken: Break) -> str:
    original = text = path.read_text(encoding="utf-8")
    for old, new in broken.edits:
        if text.count(old) != 1:
            raise SystemExit(f"break '{broken.name}': {broken.path} no longer has exactly one {old!r}; update it")
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")
    return original


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="run only the breaks whose name contains one of these")
    chosen = [b for b in BREAKS if not (names := parser.parse_args().names) or any(n in b.name for n in names)]
    with tempfile.TemporaryDirectory(prefix="reformflow-mutants-") as folder:
        source, package = copy_repository(Path(folder))
        check_the_copy_is_tested(source, package)
        code, outcome = run_tests(source, package)
        if code != 0:
            print(f"the tests fail without any break ({outcome}): fix them first")
            return 2
        print(f"{len(chosen)} breaks of the delivery code, each against {' '.join(TESTS[:2])}\n")
        print("| break | file | caught by | time |\n|---|---|---|---|")
        survivors = []
        for broken in chosen:
            path = in_copy(source, package, broken.path)
            original, start = apply(path, broken), time.monotonic()
            try:
                code, outcome = run_tests(source, package)
            finally:
                path.write_text(original, encoding="utf-8")
            verdict = outcome if code == 1 else f"SURVIVED ({outcome})" if code == 0 else f"ERROR {code} ({outcome})"
            if code != 1:
                survivors.append(broken.name)
            print(f"| {broken.name} | {broken.path} | {verdict} | {time.monotonic() - start:.0f} s |", flush=True)
    killed = len(chosen) - len(survivors)
    print(f"\nmutation score: {killed}/{len(chosen)} breaks caught ({100 * killed / len(chosen):.0f}%)")
    for name in survivors:
        print(f"not caught: {name}")
    return 1 if survivors else 0


if __name__ == "__main__":
    sys.exit(main())
