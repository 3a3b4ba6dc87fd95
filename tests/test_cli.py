"""The `portal` command end to end: sample data, ingest twice, quarantine exit code, reindex."""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx2 as httpx
import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from portal.cli import app
from portal.settings import get_settings
from portal.storage.db import make_engine
from portal.storage.models import Enterprise, QuarantinedRecord

runner = CliRunner()


@pytest.fixture
def data_dir(tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("PORTAL_DATA_DIR", str(tmp_path / "data"))
    # The test's own database: empty is the embedded default, SQLite in the data folder.
    monkeypatch.setenv("PORTAL_DATABASE_URL", database_url)
    monkeypatch.setenv("PORTAL_TODAY", "2026-11-24")
    get_settings.cache_clear()
    yield tmp_path / "data"
    get_settings.cache_clear()


def _summary(output: str) -> list[int]:
    """The numbers of the summary table's data row."""
    for line in output.splitlines():
        if "│" not in line:  # log lines on stderr are mixed in; only the table's rows count
            continue
        numbers = re.findall(r"\d+", line)
        if len(numbers) == 7:
            return [int(n) for n in numbers]
    raise AssertionError(f"no summary row in:\n{output}")


def test_sample_data_ingest_twice_and_quarantine(data_dir: Path, tmp_path: Path) -> None:
    sample = tmp_path / "sample"
    result = runner.invoke(app, ["sample-data", str(sample), "--enterprises", "60"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in sample.glob("*.jsonl"))

    first = runner.invoke(app, ["ingest", str(sample)])
    # The sample holds deliberately bad records: ingest must say so with its exit code.
    assert first.exit_code == 1, first.output
    read, loaded, unchanged, _stale, quarantined, upserted, _deleted = _summary(first.output)
    assert read == loaded + unchanged + quarantined
    assert loaded > 60 and quarantined > 0 and upserted > 0

    second = runner.invoke(app, ["ingest", str(sample)])
    assert second.exit_code == 1
    read2, loaded2, unchanged2, _s, quarantined2, _u, _d = _summary(second.output)
    assert (read2, loaded2, quarantined2) == (read, 0, quarantined)
    assert unchanged2 == read - quarantined

    engine = make_engine(get_settings())
    with engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(Enterprise)) == 60
        # A bad line loaded twice is kept once.
        kept = connection.scalar(select(func.count()).select_from(QuarantinedRecord))
        assert kept == quarantined
    engine.dispose()

    reindexed = runner.invoke(app, ["reindex"])
    assert reindexed.exit_code == 0, reindexed.output
    assert re.search(r"已索引 \d+ 家企业", reindexed.output)


def test_ingest_of_a_missing_path_fails_clearly(data_dir: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["ingest", str(tmp_path / "nowhere.jsonl")])
    assert result.exit_code == 2
    assert "找不到" in result.output


def test_serve_with_two_worker_processes(data_dir: Path, tmp_path: Path) -> None:
    """`portal serve --workers 2`: two server processes answer on one port."""
    sample = tmp_path / "sample"
    assert runner.invoke(app, ["sample-data", str(sample), "--enterprises", "20"]).exit_code == 0
    assert runner.invoke(app, ["ingest", str(sample)]).exit_code in (0, 1)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    command = [sys.executable, "-m", "portal.cli", "serve", "--port", str(port), "--workers", "2"]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        pids: set[str] = set()
        deadline = time.monotonic() + 60
        while len(pids) < 2 and time.monotonic() < deadline:
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=5)
            except httpx.TransportError:
                time.sleep(0.2)
                continue
            assert response.status_code == 200
            pids = _worker_processes(server.pid)
        assert len(pids) == 2, "expected two worker processes"
    finally:
        server.terminate()
        _, stderr = server.communicate(timeout=30)
    assert server.returncode == 0, stderr.decode(errors="replace")[-2000:]


def _worker_processes(pid: int) -> set[str]:
    """The children of `pid` that multiprocessing spawned as workers (not its resource tracker)."""
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return {c for c in children if b"spawn_main" in Path(f"/proc/{c}/cmdline").read_bytes()}


def test_exit_codes_are_documented_in_the_help(data_dir: Path) -> None:
    for command in ("ingest", "rules"):
        result = runner.invoke(app, [command, "--help"])
        assert result.exit_code == 0
        text = " ".join(result.output.split())
        assert "Exit codes: 0 all done; 1 some records quarantined" in text, text
        assert "3 the run itself failed" in text


def test_a_failure_of_the_run_itself_exits_3(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not the records' fault (here: no database answers): 3, told apart from quarantine (1)
    and usage (2), with the error in the output."""
    path = tmp_path / "in.jsonl"
    path.write_text("{}\n", encoding="utf-8")
    monkeypatch.setenv(
        "PORTAL_DATABASE_URL", "postgresql+psycopg://nobody@127.0.0.1:9/none?connect_timeout=2"
    )
    get_settings.cache_clear()
    for args in (["ingest", str(path)], ["rules"]):
        result = runner.invoke(app, args)
        assert result.exit_code == 3, result.output
        assert "运行失败:OperationalError" in result.output


def test_all_loaded_exits_0_and_poison_lines_exit_1_with_the_summary(
    data_dir: Path, tmp_path: Path
) -> None:
    """A 5,000-digit number, a notice issued 9999-12-20 without a deadline and a BEL in a title
    once crashed the ingest (traceback, no summary); now they are quarantined, the records
    around them load, and the summary is printed."""
    from tests.ingest.helpers import record, write_jsonl

    good = write_jsonl(tmp_path / "good.jsonl", [record("enterprise")])
    assert runner.invoke(app, ["ingest", str(good)]).exit_code == 0
    digits = json.dumps(record("licence")).replace('"version": 1', '"version": ' + "9" * 5000)
    lines = [
        record("product", record_id="P-1"),
        digits,
        record("rectification_notice", issued_on="9999-12-20"),
        record("designation", title="特种设备\x07逾期未检"),
        record("product", record_id="P-2"),
    ]
    result = runner.invoke(app, ["ingest", str(write_jsonl(tmp_path / "bad.jsonl", lines))])
    assert result.exit_code == 1, result.output
    read, loaded, _unchanged, _stale, quarantined, *_ = _summary(result.output)
    assert (read, loaded, quarantined) == (5, 2, 3)
