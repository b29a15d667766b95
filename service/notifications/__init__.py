"""Notifications: e-mail, reminders, webhooks and calendar feeds, through a transactional outbox."""
