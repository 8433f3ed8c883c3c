"""Channels beyond Apprise's own plugins. Importing this package registers them with Apprise."""

from reformflow.notifications.channels import chatbots, outbox  # noqa: F401
