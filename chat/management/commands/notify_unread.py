"""Runs the unread-email worker (chat.notify) as a process of its own."""

import asyncio
import signal

from django.core.management.base import BaseCommand

from chat.notify import notify_forever, notify_round


class Command(BaseCommand):
    help = (
        "Email users about messages unread for PARLEY_NOTIFY_AFTER_MINUTES, until stopped (SIGTERM or "
        "Ctrl-C). Any number may run beside the servers (set PARLEY_NOTIFY_IN_PROCESS=false on those); "
        "with several processes presence must be shared through REDIS_URL."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--once", action="store_true", help="one round, then exit")

    def handle(self, *args, **options) -> None:
        if options["once"]:
            sent = asyncio.run(notify_round())
            self.stdout.write(f"{sent} email(s) sent")
            return
        asyncio.run(self._forever())

    async def _forever(self) -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stop.set)
        await notify_forever(stop=stop)
