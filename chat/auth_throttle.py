"""Sign-in abuse budgets. A username from one client address gets a fixed number of failed
`tokenAuth` attempts in a window; then that pair is refused (the right password too) until
the window passes. `tokenAuth`, `register` and `refreshToken` together also have a budget per
client address. Failed sign-ins are logged with the username and the address."""

import logging

from django.conf import settings

from chat.errors import RateLimited
from chat.ratelimit import Budget, budget_take, window_count, window_forget

logger = logging.getLogger("parley.auth")

FAILURES = "sign-in-failures"
USERNAME_LOGGED = 150


def _pair(username: str, address: str) -> str:
    return f"{username.strip().lower()}|{address}"


def auth_address_take(*, address: str) -> None:
    """One sign-in, registration or token refresh from `address`, or RateLimited."""
    per_minute = settings.PARLEY["AUTH_ADDRESS_PER_MINUTE"]
    budget = Budget("auth-address", burst=per_minute, per_second=per_minute / 60)
    try:
        budget_take(budget, address, what="sign-in requests from this address")
    except RateLimited:
        logger.warning("sign-in requests from an address rate limited", extra={"client_address": address})
        raise


def sign_in_allowed_check(*, username: str, address: str) -> None:
    """RateLimited while the pair has used up its failed attempts, whatever the password."""
    limits = settings.PARLEY
    count, left = window_count(FAILURES, _pair(username, address), seconds=limits["SIGN_IN_FAILURE_WINDOW_SECONDS"])
    if count >= limits["SIGN_IN_FAILURES"]:
        logger.warning(
            "sign-in refused after repeated failures",
            extra={"username": username[:USERNAME_LOGGED], "client_address": address, "failures": count},
        )
        raise RateLimited(
            f"Too many failed sign-ins for this username; try again in {max(left, 1):.0f} s.", retry_after=left
        )


def sign_in_failed(*, username: str, address: str) -> None:
    count, _ = window_count(
        FAILURES,
        _pair(username, address),
        seconds=settings.PARLEY["SIGN_IN_FAILURE_WINDOW_SECONDS"],
        add=True,
    )
    logger.warning(
        "sign-in failed", extra={"username": username[:USERNAME_LOGGED], "client_address": address, "failures": count}
    )


def sign_in_succeeded(*, username: str, address: str) -> None:
    # A user who mistyped a few times and then got in starts afresh.
    window_forget(FAILURES, _pair(username, address))
