"""The ASGI lifespan: what a server process runs beside its requests, started with it and
stopped with it. Today the unread-email worker (chat.notify), unless
PARLEY_NOTIFY_IN_PROCESS is off (production may run `manage.py notify_unread` instead)."""

import asyncio
import logging

from django.conf import settings

logger = logging.getLogger(__name__)


async def lifespan(scope, receive, send) -> None:
    from chat.cancellation import cancel_and_wait
    from chat.notify import notify_forever

    stop = asyncio.Event()
    worker: asyncio.Task | None = None
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            if settings.PARLEY["NOTIFY_IN_PROCESS"]:
                worker = asyncio.get_running_loop().create_task(notify_forever(stop=stop), name="parley-notify")
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            stop.set()
            if worker is not None:
                # Told to stop, it ends after its round; one that does not within 5 s is cancelled.
                await asyncio.wait({worker}, timeout=5)
                await cancel_and_wait(worker)
            await send({"type": "lifespan.shutdown.complete"})
            return
