"""Channels beyond Apprise's own plugins, one module each. Importing this package registers them with Apprise."""

from reformflow.notifications.channels import dingtalk, feishu, outbox, wecom  # noqa: F401
from reformflow.notifications.channels.robot import ChatChannel

CHAT_CHANNELS: dict[str, ChatChannel] = {"wecom": wecom, "dingtalk": dingtalk, "feishu": feishu}
