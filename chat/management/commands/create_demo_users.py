"""Creates the walk-through's two users, tfuller (organizer) and bkirk (vendor)."""

from django.core.management.base import BaseCommand

from chat.services.accounts import DEMO_PASSWORD, demo_users_ensure


class Command(BaseCommand):
    help = "Create the demo users tfuller (organizer) and bkirk (vendor); safe to run twice."

    def handle(self, *args, **options) -> None:
        for user, created in demo_users_ensure():
            state = f"created (password {DEMO_PASSWORD})" if created else "already exists, unchanged"
            self.stdout.write(f"{user.username} ({user.role}): {state}")
