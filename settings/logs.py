"""Logging, configured once for every entry point (``python app.py``, gunicorn, the worker CLI, job processes).

One format with the time, the level and the logger's name (``L2_LOG_FORMAT=text``, the default) or one JSON
object per line (``L2_LOG_FORMAT=json``); ``L2_LOG_LEVEL`` is the level of the root logger, so every logger
of the project and of its libraries follows it.  gunicorn takes the same dictionary as its
``logconfig_dict`` (gunicorn.conf.py), so its own error and access lines look like everyone else's.
"""

from __future__ import annotations

import json
import logging
import logging.config
import time

import settings

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time (ISO 8601, UTC), level, logger, message, and exc when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        out = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            out["exc"] = self.formatException(record.exc_info)
        return json.dumps(out, ensure_ascii=False)


def config_dict(s: settings.Settings | None = None) -> dict:
    """The ``logging.config.dictConfig`` dictionary for the current settings (gunicorn's loggers included)."""
    s = s or settings.get()
    level = s.log_level.upper()
    formatter = {"()": JsonFormatter} if s.log_format == "json" else {"format": TEXT_FORMAT}
    access: dict = {"class": "logging.NullHandler"}
    if s.access_log == "-":
        access = {"class": "logging.StreamHandler", "formatter": "l2", "stream": "ext://sys.stdout"}
    elif s.access_log:
        access = {"class": "logging.FileHandler", "formatter": "l2", "filename": s.access_log}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"l2": formatter},
        "handlers": {
            "l2": {"class": "logging.StreamHandler", "formatter": "l2", "stream": "ext://sys.stderr"},
            "l2_access": access,
        },
        "root": {"level": level, "handlers": ["l2"]},
        "loggers": {
            "gunicorn.error": {"level": level, "handlers": ["l2"], "propagate": False},
            "gunicorn.access": {"level": "INFO", "handlers": ["l2_access"], "propagate": False},
        },
    }


def configure(s: settings.Settings | None = None) -> None:
    """Apply ``config_dict`` (idempotent: a second call replaces the first one's handlers)."""
    logging.config.dictConfig(config_dict(s))
    logging.captureWarnings(True)  # warnings.warn(...) lines get the same format, under the logger py.warnings
