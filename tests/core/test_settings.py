"""Settings an office writes by hand are checked when they are read, with the variable and what is allowed."""

import pytest
from pydantic import ValidationError

from reformflow.core.settings import Settings


def test_a_notice_number_may_use_only_year_and_month(monkeypatch):
    monkeypatch.setenv("REFORMFLOW_NOTICE_NUMBER", "深营商办〔{year}〕{month}号")
    assert Settings().notice_number.format(year=2020, month=6) == "深营商办〔2020〕6号"
    monkeypatch.setenv("REFORMFLOW_NOTICE_NUMBER", "深营商办〔{yr}〕{month}号")
    with pytest.raises(ValidationError, match=r"notice_number[\s\S]*names yr: a 文号 may use only \{year\} and"):
        Settings()
    monkeypatch.setenv("REFORMFLOW_NOTICE_NUMBER", "深营商办〔{year〕号")
    with pytest.raises(ValidationError, match="is not a 文号 template"):
        Settings()
