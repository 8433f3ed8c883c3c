"""`reformflow users add`: how an office creates its first console account, as a separate process."""

import os
import subprocess
import sys

from sqlmodel import select

from reformflow.models import ConsoleUser


def run(*args, cwd, stdin="", env=None):
    return subprocess.run([sys.executable, "-m", "reformflow", *args], capture_output=True, text=True, cwd=cwd,
                          input=stdin, timeout=120, env=env)


def test_the_first_admin_is_created_with_a_hashed_password(tmp_path, data_dir, session):
    env = {**os.environ, "REFORMFLOW_DATA_DIR": str(data_dir.parent)}
    result = run("users", "add", "zhang", "--role", "admin", "--display-name", "张主任", "--password-stdin",
                 cwd=tmp_path, stdin="a-long-passphrase\n", env=env)
    assert result.returncode == 0, result.stderr
    assert "已创建账号 zhang（admin）" in result.stdout
    user = session.exec(select(ConsoleUser)).one()
    assert (user.name, user.role, user.display_name) == ("zhang", "admin", "张主任")
    assert user.password_hash.startswith("$argon2id$")
    again = run("users", "add", "zhang", "--password-stdin", cwd=tmp_path, stdin="a-long-passphrase\n", env=env)
    assert again.returncode == 1 and "用户“zhang”已存在" in again.stderr
    short = run("users", "add", "li", "--password-stdin", cwd=tmp_path, stdin="short\n", env=env)
    assert short.returncode == 1 and "密码至少 10 个字符" in short.stderr
    listed = run("users", "list", cwd=tmp_path, env=env)
    assert "zhang  管理员  张主任" in listed.stdout
