"""`reformflow users …`: the office console's accounts (the first admin is created here)."""

from __future__ import annotations

import getpass
from typing import Annotated

import typer

from reformflow.cli.output import fail, printable
from reformflow.core.settings import settings

app = typer.Typer(help="Accounts of the office console (reformflow web, /console/).", no_args_is_help=True)
ROLES = "admin (管理员：全部), staff (工作人员：审核、单位、通报、消息), leader (领导：只读)"


@app.command("add")
def users_add(name: Annotated[str, typer.Argument(help="The login name.")],
              role: Annotated[str, typer.Option(help=ROLES)] = "staff",
              display_name: Annotated[str, typer.Option(help="The name shown in the console (default: NAME).")] = "",
              password_stdin: Annotated[bool, typer.Option(
                  "--password-stdin", help="Read the password from standard input (scripts) instead of asking.")]
              = False):
    """Create an account. The password is asked twice (never given on the command line, where it would stay in
    the shell's history) and stored only as an argon2 hash."""
    from reformflow.console.accounts import AccountError, add_user
    from reformflow.core import db

    if password_stdin:
        password = typer.get_text_stream("stdin").readline().rstrip("\n")
    else:
        password = getpass.getpass("密码：")
        if getpass.getpass("再次输入密码：") != password:
            fail("两次输入的密码不一致。")
    with db.transaction(settings.office) as session:
        try:
            user = add_user(name, role, password, session=session, display_name=display_name)
        except AccountError as exc:
            fail(str(exc))
    typer.echo(f"已创建账号 {printable(user.name)}（{role}）。")


@app.command("list")
def users_list():
    """The accounts, their roles and whether they are disabled."""
    from sqlmodel import select

    from reformflow.core import db
    from reformflow.models import ROLE_NAMES, ConsoleUser

    with db.transaction(settings.office) as session:
        for user in session.exec(select(ConsoleUser).order_by(ConsoleUser.name)):
            state = "（已停用）" if user.disabled else ""
            typer.echo(printable(f"{user.name}  {ROLE_NAMES.get(user.role, user.role)}{state}  {user.display_name}"))
