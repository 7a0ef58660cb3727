"""Rate limiting of the public forms without storing anyone's address (SECURITY.md 16).

The client address is read once per request and turned at once into an opaque bucket key:
HMAC-SHA256 keyed with SECRET_KEY and a random salt made in this process, truncated to 16
bytes. The salt is replaced every `SALT_ROTATION_SECONDS` (10 minutes), so a key cannot be
tied to an address even by someone who reads this process's memory and knows SECRET_KEY, once
the salt has rotated. The limiter holds only those keys and, per key, the times of the last
requests within the window. The address itself is never stored, logged or put in a model.

Limits of in-process limiting, accepted on purpose:

- Each worker process counts on its own. Behind a server with N worker processes, one address
  can make up to N x `REQUESTS` requests per window before every worker refuses it. Run the
  public site with few workers, or put a limit in the reverse proxy as well.
- Counts are lost when a process restarts, and start again at zero.
- When the salt rotates, the counts of the window in progress are carried over (each bucket of
  the old salt is found again under the new one at the address's next request), so rotation
  gives no fresh allowance; the old salt is forgotten after one window.
A shared store (a database table or a cache) would count across processes, but it would then
hold the keys outside the process for longer; the in-memory limiter keeps nothing at all.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.http import HttpRequest

KEY_BYTES = 16
# A bound on memory: far more distinct addresses than a window should ever see.
MAX_BUCKETS = 100_000


def client_address(request: HttpRequest) -> str:
    """The address to count, used only to make a bucket key and then dropped.

    REMOTE_ADDR, unless `TRUSTED_PROXY_COUNT` reverse proxies stand in front of the application:
    then the address that the outermost trusted proxy saw, which is the entry that many places
    from the right of X-Forwarded-For (each proxy appends the address it received the request
    from). Entries further left are whatever the client wrote and are never trusted.
    """
    proxies = int(settings.TIP_RATE_LIMIT.get("TRUSTED_PROXY_COUNT", 0))
    if proxies > 0:
        header = str(request.META.get("HTTP_X_FORWARDED_FOR", ""))
        forwarded = [part.strip() for part in header.split(",") if part.strip()]
        if forwarded:
            return forwarded[-min(proxies, len(forwarded))]
    return str(request.META.get("REMOTE_ADDR", ""))


@dataclass
class _Salt:
    value: bytes
    made_at: float


@dataclass
class RateLimiter:
    """At most `limit` hits per `window` seconds for each (scope, address), counted in memory."""

    limit: int
    window: float
    rotation: float
    clock: Callable[[], float] = time.monotonic
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _salt: _Salt | None = field(default=None, repr=False)
    _previous: _Salt | None = field(default=None, repr=False)
    _buckets: dict[bytes, deque[float]] = field(default_factory=dict, repr=False)

    def _key(self, salt: _Salt, scope: str, address: str) -> bytes:
        mac = hmac.new(settings.SECRET_KEY.encode("utf-8") + salt.value, digestmod=hashlib.sha256)
        mac.update(scope.encode("utf-8") + b"\0" + address.encode("utf-8"))
        return mac.digest()[:KEY_BYTES]

    def _current_salt(self, now: float) -> _Salt:
        if self._salt is None or now - self._salt.made_at >= self.rotation:
            self._previous = self._salt
            self._salt = _Salt(secrets.token_bytes(32), now)
        if self._previous is not None and now - self._salt.made_at >= self.window:
            self._previous = None  # every bucket it keyed has expired by now
        return self._salt

    def _prune(self, now: float) -> None:
        horizon = now - self.window
        for key in [key for key, times in self._buckets.items() if not times or times[-1] <= horizon]:
            del self._buckets[key]
        while len(self._buckets) >= MAX_BUCKETS:  # still too many: forget the oldest first
            del self._buckets[next(iter(self._buckets))]

    def hit(self, scope: str, address: str) -> bool:
        """Count one request; False when it is over the limit (and then it is not counted)."""
        now = self.clock()
        with self._lock:
            salt = self._current_salt(now)
            key = self._key(salt, scope, address)
            times = self._buckets.get(key)
            if times is None and self._previous is not None:
                times = self._buckets.pop(self._key(self._previous, scope, address), None)
            if times is None:
                if len(self._buckets) >= MAX_BUCKETS:
                    self._prune(now)
                times = deque(maxlen=self.limit)
            self._buckets[key] = times
            while times and times[0] <= now - self.window:
                times.popleft()
            if len(times) >= self.limit:
                return False
            times.append(now)
            return True

    def reset(self) -> None:
        with self._lock:
            self._buckets.clear()
            self._salt = None
            self._previous = None

    def bucket_count(self) -> int:
        return len(self._buckets)


def _from_settings() -> RateLimiter:
    conf = settings.TIP_RATE_LIMIT
    return RateLimiter(
        limit=int(conf["REQUESTS"]),
        window=float(conf["WINDOW_SECONDS"]),
        rotation=float(conf["SALT_ROTATION_SECONDS"]),
    )


_limiter: RateLimiter | None = None
_limiter_lock = threading.Lock()


def limiter() -> RateLimiter:
    """The one limiter of this process (made from settings.TIP_RATE_LIMIT on first use)."""
    global _limiter
    with _limiter_lock:
        if _limiter is None:
            _limiter = _from_settings()
        return _limiter


def reset() -> None:
    """Forget every count and the salt, and read the settings again (tests)."""
    global _limiter
    with _limiter_lock:
        _limiter = None


def allow(request: HttpRequest, scope: str) -> bool:
    """True when this request is within the limit of `scope` for its client address."""
    return limiter().hit(scope, client_address(request))
