"""Structured logging for the portal, ingest and the CLI, with structlog over standard logging.

Call sites read `log.info("event", key=value)` (structlog's bound loggers); every record, from
structlog or from a library's standard `logging` logger, leaves as one logfmt line on stderr:

    timestamp=2026-12-01T20:15:03Z level=info logger=ingest event=ingest.done read=3045 …

with the traceback on the lines after it when there is one (`log.exception(...)` inside an
`except`, or `exc_info=error` with an exception object outside one). The records stay standard
`logging` records whose message is the event, so `caplog` and any handler see the same events.
"""

from __future__ import annotations

import logging
import sys
from typing import TYPE_CHECKING, Any, TextIO

import structlog
from structlog.typing import EventDict, WrappedLogger

# Attributes of a standard LogRecord: a field of the same name would be refused by `logging`.
_RECORD_ATTRIBUTES = frozenset(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {
    "message",
    "asctime",
}
# ...except the arguments of `logging` itself, which structlog hands on as arguments.
_LOGGING_ARGUMENTS = frozenset(structlog.stdlib.LOG_KWARG_NAMES)
_KEY_ORDER = ["timestamp", "level", "logger", "event"]


def _keep_reserved_fields(_: WrappedLogger, __: str, event_dict: EventDict) -> EventDict:
    """Rename a field that clashes with a LogRecord attribute (`name=` becomes `name_=`)."""
    for key in [k for k in event_dict if k in _RECORD_ATTRIBUTES - _LOGGING_ARGUMENTS]:
        event_dict[f"{key}_"] = event_dict.pop(key)
    return event_dict


class _Renderer:
    """logfmt for the fields, then the traceback (if any) on the following lines."""

    def __init__(self) -> None:
        self._logfmt = structlog.processors.LogfmtRenderer(
            key_order=_KEY_ORDER, drop_missing=True, bool_as_flag=False
        )

    def __call__(self, logger: WrappedLogger, name: str, event_dict: EventDict) -> str:
        trace = event_dict.pop("exception", None)
        line = self._logfmt(logger, name, event_dict)
        return f"{line}\n{trace}" if trace else line


if TYPE_CHECKING:
    _StreamHandler = logging.StreamHandler[TextIO]
else:  # not subscriptable at run time
    _StreamHandler = logging.StreamHandler


class _StderrHandler(_StreamHandler):
    """Writes to whatever sys.stderr is at the time (test runners and CLIs swap it)."""

    @property
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, _value: Any) -> None:
        pass


def _formatter() -> logging.Formatter:
    return structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=[
            structlog.stdlib.add_logger_name,
            structlog.stdlib.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.stdlib.ExtraAdder(),
        ],
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.format_exc_info,
            _Renderer(),
        ],
    )


structlog.configure(
    processors=[
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.filter_by_level,
        _keep_reserved_fields,
        structlog.stdlib.render_to_log_kwargs,
    ],
    logger_factory=structlog.stdlib.LoggerFactory(),
    wrapper_class=structlog.stdlib.BoundLogger,
    cache_logger_on_first_use=True,
)


def get_logger(name: str) -> structlog.stdlib.BoundLogger:
    logger: structlog.stdlib.BoundLogger = structlog.stdlib.get_logger(name)
    return logger


def configure(level: str = "INFO") -> None:
    """Send every record to stderr as logfmt, from `level` up (settings `PORTAL_LOG_LEVEL`)."""
    handler = _StderrHandler()
    handler.setFormatter(_formatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
