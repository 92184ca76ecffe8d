"""Every setting of the project, read once from the environment, typed and validated.

    import settings
    s = settings.get()          # a frozen Settings, parsed on first use
    s.cache_dir, s.queue_max, ...
    settings.reload()           # parse the environment again (tests)

Every ``L2_*`` variable of the README's configuration table, plus ``PORT``, ``HOST`` and
``FORWARDED_ALLOW_IPS``, is a field here.  A malformed or out-of-range value raises ``SettingsError``,
whose message is one line naming the variable and what it accepts; the entry points (``python app.py``,
gunicorn, ``python -m worker``, ``python -m serving``) print that line and exit with status 2.  Nothing
is clamped: a value outside its range is an error.  Booleans are 1/0, true/false, yes/no or on/off (any
case); an empty variable means its default.
"""

from __future__ import annotations

import importlib.util
import ipaddress
import os
import re
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
# A source checkout (make run, the image) keeps its cache in ROOT/.cache; an installed package (pip install, the
# wheel: ROOT is site-packages) keeps it in the user's cache folder.  precomputed/ ships in both (pyproject.toml).
IN_CHECKOUT = (ROOT / "pyproject.toml").is_file()
LOG_LEVELS = ("debug", "info", "warning", "error", "critical")
LOG_FORMATS = ("text", "json")
_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off")


class SettingsError(ValueError):
    """A setting's value is malformed or out of range (the message is one line naming the variable)."""


@dataclass(frozen=True)
class Settings:
    """The project's configuration (see the README's table for each variable)."""

    # paths
    precomputed: Path
    cache_dir: Path
    # the web server
    host: str | None
    port: int
    debug: bool
    web_workers: int
    web_threads: int
    web_timeout: int
    web_keepalive: int
    web_max_requests: int
    access_log: str | None
    log_level: str
    log_format: str
    warmup: bool
    gunicorn_control: bool
    forwarded_allow_ips: str
    code_version: str
    # pages, caches and headers
    layout_cache_s: int
    warm_answers: bool
    warm_pairs: tuple[tuple[int, int], ...]
    shared_outputs: frozenset[str]
    shared_ttl_s: int
    cache_timeout: int
    cache_items: int
    max_request_bytes: int
    csp: bool
    frame_ancestors: str
    health_recheck_s: int
    auto_recompute: bool
    # jobs
    broker_url: str
    redis_url: str
    queue_max: int
    job_workers: int
    job_timeout: float
    job_retries: int
    job_ttl: int
    job_queue_wait: float
    job_stale_s: float
    lenet_train_ladder: bool
    lenet_train_adversarial: bool

    @property
    def mnist_dir(self) -> Path:
        return self.precomputed / "mnist"


def _raw(env: Mapping[str, str], name: str) -> str:
    return env.get(name, "").strip()


def _number(env: Mapping[str, str], name: str, kind: type, default: float, lo: float, hi: float):
    """An int or a float from ``env[name]`` within [lo, hi] (the default when empty); SettingsError otherwise."""
    raw = _raw(env, name)
    if not raw:
        return default
    what = f"a whole number from {lo} to {hi}" if kind is int else f"a number from {lo:g} to {hi:g}"
    try:
        value = kind(raw)
    except ValueError:
        raise SettingsError(f"{name} must be {what}, got {raw!r}") from None
    if not lo <= value <= hi:  # (also false for nan)
        raise SettingsError(f"{name} must be {what}, got {raw!r}")
    return value


def _int(env: Mapping[str, str], name: str, default: int, lo: int, hi: int) -> int:
    return _number(env, name, int, default, lo, hi)


def _float(env: Mapping[str, str], name: str, default: float, lo: float, hi: float) -> float:
    return _number(env, name, float, default, lo, hi)


def parse_bool(name: str, raw: str, default: bool) -> bool:
    """The one boolean parser: 1/0, true/false, yes/no, on/off (any case); empty is ``default``."""
    text = raw.strip().lower()
    if not text:
        return default
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise SettingsError(f"{name} must be one of 1/0, true/false, yes/no, on/off, got {raw.strip()!r}")


def _bool(env: Mapping[str, str], name: str, default: bool) -> bool:
    return parse_bool(name, env.get(name, ""), default)


def _choice(env: Mapping[str, str], name: str, default: str, allowed: tuple[str, ...]) -> str:
    raw = _raw(env, name).lower()
    if not raw:
        return default
    if raw not in allowed:
        raise SettingsError(f"{name} must be one of {', '.join(allowed)}, got {raw!r}")
    return raw


def _path(env: Mapping[str, str], name: str, default: Path) -> Path:
    raw = _raw(env, name)
    return Path(raw).expanduser() if raw else default


def _url(env: Mapping[str, str], name: str, schemes: tuple[str, ...] = ()) -> str:
    """A URL (``scheme://…``; one of ``schemes`` when given) or empty."""
    raw = _raw(env, name)
    scheme, sep, _ = raw.partition("://")
    if raw and (not sep or not scheme or (schemes and scheme not in schemes)):
        allowed = " or ".join(f"{s}://…" for s in schemes) or "scheme://…"
        raise SettingsError(f"{name} must be empty or a URL like {allowed}, got {raw!r}")
    return raw


def _warm_answers(env: Mapping[str, str]) -> tuple[bool, tuple[tuple[int, int], ...]]:
    """L2_WARM_ANSWERS: a boolean (all 45 pairs, or none) or a list of pairs like "2-3 7-9"."""
    raw = _raw(env, "L2_WARM_ANSWERS")
    if raw.lower() in _TRUE + _FALSE + ("",):
        return parse_bool("L2_WARM_ANSWERS", raw, True), ()
    from models.conventions import parse_pair  # (only here: the gunicorn master stays light)

    try:
        return True, tuple(dict.fromkeys(parse_pair(p) for p in raw.replace(",", " ").split()))
    except ValueError as exc:
        raise SettingsError(f"L2_WARM_ANSWERS must be 1, 0 or pairs like '2-3 7-9' ({exc})") from None


def user_cache_dir(env: Mapping[str, str], platform: str = sys.platform) -> Path:
    """The platform's per-user cache folder for the project (the default L2_CACHE_DIR of an installed package)."""
    home = Path(env.get("HOME") or Path.home())
    if platform == "win32":
        base = Path(env["LOCALAPPDATA"]) if env.get("LOCALAPPDATA") else home / "AppData" / "Local"
        return base / "l2angle" / "Cache"
    if platform == "darwin":
        return home / "Library" / "Caches" / "l2angle"
    xdg = env.get("XDG_CACHE_HOME", "").strip()
    return (Path(xdg) if xdg and Path(xdg).is_absolute() else home / ".cache") / "l2angle"


def _needs(name: str, value: str, module: str, what: str) -> None:
    """A setting that needs an optional library (the ``scale`` extra) stops the start when it is missing."""
    if value and importlib.util.find_spec(module) is None:
        raise SettingsError(
            f"{name} is set but {what} is not installed: pip install 'l2-angle[scale]' (or unset {name})"
        )


_HOST_NAME = re.compile(
    r"(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*"
)


def _host(env: Mapping[str, str]) -> str | None:
    """HOST: an IP address (v4 or v6) or a host name; empty means the entry point's default."""
    raw = _raw(env, "HOST")
    if not raw:
        return None
    try:
        ipaddress.ip_address(raw)
    except ValueError:
        if not _HOST_NAME.fullmatch(raw) or raw.rsplit(".", 1)[-1].isdigit():  # (no all-digit top label)
            raise SettingsError(f"HOST must be an IP address (0.0.0.0, ::1) or a host name, got {raw!r}") from None
    return raw


def _forwarded_allow_ips(env: Mapping[str, str]) -> str:
    """FORWARDED_ALLOW_IPS: '*' or addresses / networks separated by commas."""
    raw = _raw(env, "FORWARDED_ALLOW_IPS")
    if not raw or raw == "*":
        return raw or "127.0.0.1"
    for part in raw.split(","):
        try:
            ipaddress.ip_network(part.strip(), strict=False)
        except ValueError:
            raise SettingsError(
                f"FORWARDED_ALLOW_IPS must be * or addresses/networks separated by commas, got {raw!r}"
            ) from None
    return raw


def _access_log(env: Mapping[str, str]) -> str | None:
    """L2_ACCESS_LOG: '-' (standard output, the default), empty (off) or a file in an existing folder."""
    raw = env.get("L2_ACCESS_LOG", "-").strip()
    if raw in ("", "-"):
        return raw or None
    if not Path(raw).expanduser().parent.is_dir():
        raise SettingsError(f"L2_ACCESS_LOG must be -, empty or a file in an existing folder, got {raw!r}")
    return str(Path(raw).expanduser())


def _port(env: Mapping[str, str]) -> int:
    return _int(env, "PORT", 8050, 1, 65535)


def from_env(env: Mapping[str, str] | None = None) -> Settings:
    """Parse and validate every setting from ``env`` (default ``os.environ``); SettingsError on a bad value."""
    env = os.environ if env is None else env
    cores = os.cpu_count() or 1
    broker = _url(env, "L2_BROKER_URL")
    redis_url = _url(env, "L2_REDIS_URL", ("redis", "rediss", "unix"))
    warm, warm_pairs = _warm_answers(env)
    if not redis_url and broker.startswith(("redis://", "rediss://")):
        redis_url = broker  # the broker's Redis also holds the job state and the shared cache
        _needs("L2_BROKER_URL", broker, "redis", "the redis client")
    _needs("L2_BROKER_URL", broker, "celery", "Celery")
    _needs("L2_REDIS_URL", redis_url, "redis", "the redis client")
    shared = env.get("L2_SHARED_OUTPUTS", "store-svm-frames")
    return Settings(
        precomputed=_path(env, "L2_PRECOMPUTED", ROOT / "precomputed"),
        cache_dir=_path(env, "L2_CACHE_DIR", ROOT / ".cache" if IN_CHECKOUT else user_cache_dir(env)),
        host=_host(env),
        port=_port(env),
        debug=_bool(env, "L2_DEBUG", False),
        web_workers=_int(env, "L2_WEB_WORKERS", min(2 * cores + 1, 9), 1, 64),
        web_threads=_int(env, "L2_WEB_THREADS", 4, 1, 64),
        web_timeout=_int(env, "L2_WEB_TIMEOUT", 120, 5, 3600),
        web_keepalive=_int(env, "L2_WEB_KEEPALIVE", 30, 1, 3600),
        web_max_requests=_int(env, "L2_WEB_MAX_REQUESTS", 5000, 0, 10**9),
        access_log=_access_log(env),
        log_level=_choice(env, "L2_LOG_LEVEL", "info", LOG_LEVELS),
        log_format=_choice(env, "L2_LOG_FORMAT", "text", LOG_FORMATS),
        warmup=_bool(env, "L2_WARMUP", False),
        gunicorn_control=_bool(env, "L2_GUNICORN_CONTROL", False),
        forwarded_allow_ips=_forwarded_allow_ips(env),
        code_version=_raw(env, "L2_CODE_VERSION")[:64],
        layout_cache_s=_int(env, "L2_LAYOUT_CACHE_S", 60, 0, 10**6),
        warm_answers=warm,
        warm_pairs=warm_pairs,
        shared_outputs=frozenset(p.strip() for p in shared.split(",") if p.strip()),
        shared_ttl_s=_int(env, "L2_SHARED_TTL_S", 300, 0, 10**7),
        cache_timeout=_int(env, "L2_CACHE_TIMEOUT", 24 * 3600, 0, 10**8),
        cache_items=_int(env, "L2_CACHE_ITEMS", 5000, 10, 10**7),
        max_request_bytes=_int(env, "L2_MAX_REQUEST_BYTES", 2 * 1024 * 1024, 1024, 2**31),
        csp=_bool(env, "L2_CSP", True),
        frame_ancestors=_raw(env, "L2_FRAME_ANCESTORS") or "'self'",
        health_recheck_s=_int(env, "L2_HEALTH_RECHECK_S", 300, 5, 10**6),
        auto_recompute=_bool(env, "L2_AUTO_RECOMPUTE", True),
        broker_url=broker,
        redis_url=redis_url,
        queue_max=_int(env, "L2_QUEUE_MAX", 16, 1, 10_000),
        job_workers=_int(env, "L2_JOB_WORKERS", max(1, cores - 1), 1, 256),
        job_timeout=_float(env, "L2_JOB_TIMEOUT", 300.0, 1.0, 10**6),
        job_retries=_int(env, "L2_JOB_RETRIES", 1, 0, 10),
        job_ttl=_int(env, "L2_JOB_TTL", 24 * 3600, 1, 10**8),
        job_queue_wait=_float(env, "L2_JOB_QUEUE_WAIT", 600.0, 1.0, 10**6),
        job_stale_s=_float(env, "L2_JOB_STALE_S", 20.0, 0.5, 10**5),
        lenet_train_ladder=_bool(env, "L2_LENET_TRAIN_LADDER", False),
        lenet_train_adversarial=_bool(env, "L2_LENET_TRAIN_ADVERSARIAL", False),
    )


_current: Settings | None = None


def get() -> Settings:
    """The settings of this process (parsed from the environment on first use)."""
    global _current
    if _current is None:
        _current = from_env()
    return _current


def reload() -> Settings:
    """Parse the environment again (for tests that change it)."""
    global _current
    _current = None
    return get()


def exit_on_error(fn: Callable[[], Any]) -> Any:
    """Run ``fn`` (an entry point's start); on a SettingsError print its one line and exit with status 2."""
    import sys

    try:
        return fn()
    except SettingsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
