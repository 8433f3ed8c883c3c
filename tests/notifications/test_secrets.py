"""Secrets in contact URLs are put in right before sending, from the environment or a Prefect Secret block."""

import pytest

from reformflow.notifications.secrets import SecretError, expand_secrets


def test_secrets_come_from_the_environment_and_fail_loudly_when_missing(monkeypatch):
    monkeypatch.setenv("WECOM_KEY", "abc123")
    assert expand_secrets("wecombot://${WECOM_KEY}") == "wecombot://abc123"
    monkeypatch.delenv("WECOM_KEY")
    with pytest.raises(ValueError, match="WECOM_KEY"):
        expand_secrets("wecombot://${WECOM_KEY}")


def test_contact_secrets_can_live_in_prefect_secret_blocks(prefect_server):
    from prefect.blocks.system import Secret

    Secret(value="wecom-key-123").save("police-robot", overwrite=True)
    assert expand_secrets("wecombot://${secret:police-robot}") == "wecombot://wecom-key-123"
    with pytest.raises(SecretError, match="Prefect Secret block 'missing-robot'"):
        expand_secrets("wecombot://${secret:missing-robot}")
