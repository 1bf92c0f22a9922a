"""Removes uploads that were never attached to a message (older than a day by default)."""

from datetime import timedelta

from django.core.management.base import BaseCommand

from chat.services.attachments import attachments_purge_unused


class Command(BaseCommand):
    help = "Delete unused attachments (files and rows) older than --hours (default: PARLEY_ATTACHMENT_UNUSED_HOURS)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--hours", type=float, default=None)

    def handle(self, *args, hours: float | None, **options) -> None:
        removed = attachments_purge_unused(older_than=timedelta(hours=hours) if hours is not None else None)
        self.stdout.write(f"removed {removed} unused attachment(s)")
