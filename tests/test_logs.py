"""portal.logs: one logfmt line per event on stderr, tracebacks after it, for structlog and
standard loggers alike."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from portal import logs


@pytest.fixture
def configured() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    logs.configure("INFO")
    yield
    root.handlers[:], root.level = handlers, level


@pytest.mark.usefixtures("configured")
def test_an_event_is_one_logfmt_line_with_its_fields(capsys: pytest.CaptureFixture[str]) -> None:
    logs.get_logger("ingest").info("ingest.done", read=3045, file="a b.jsonl", name="x", ok=True)
    logs.get_logger("ingest").debug("ingest.hidden")
    (line,) = capsys.readouterr().err.splitlines()
    assert line.startswith("timestamp=")
    assert 'level=info logger=ingest event=ingest.done read=3045 file="a b.jsonl"' in line
    # `name` is an attribute of every LogRecord: the field keeps its value under another key.
    assert "name_=x" in line and "ok=true" in line


@pytest.mark.usefixtures("configured")
def test_tracebacks_follow_the_line_from_structlog_and_standard_loggers(
    capsys: pytest.CaptureFixture[str],
) -> None:
    try:
        raise ZeroDivisionError("division by zero")
    except ZeroDivisionError:
        logs.get_logger("portal.rules").exception("rules.failed", uscc="916103007")
    logs.get_logger("portal.graphql").error("graphql.error", exc_info=ValueError("kaboom"))
    logging.getLogger("elastic_transport").warning("retrying")
    err = capsys.readouterr().err
    assert "event=rules.failed uscc=916103007\nTraceback (most recent call last):" in err
    assert "ZeroDivisionError: division by zero" in err
    assert "event=graphql.error\nValueError: kaboom" in err
    assert "level=warning logger=elastic_transport event=retrying" in err
