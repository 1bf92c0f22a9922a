"""The domain's failures. The schema layer maps each class to one contract error code."""


class DomainError(Exception):
    """Base of every failure a caller can cause; the message is safe to show."""


class NotFound(DomainError):
    """The thing does not exist, or it is not the caller's to see (no existence leak)."""


class InvalidInput(DomainError):
    pass


class Forbidden(DomainError):
    pass


class Unauthenticated(DomainError):
    pass


class RateLimited(DomainError):
    def __init__(self, message: str, *, retry_after: float) -> None:
        super().__init__(message)
        self.retry_after = retry_after
