"""HTTP load with `wrk` (C, epoll: far less CPU than a Python client, which matters on 2 cores).

A run cycles through a fixed list of requests (method, path, one header, body), each wrk thread
from its own offset, for a bounded duration against one loopback URL; a Lua `done` hook prints
requests, duration, errors and latency percentiles as one JSON line. Each measurement is the
median of several runs, with the load average recorded before each run.
"""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bench.common import OUT, loadavg, log, median

_LUA = r"""
local reqs = {}
local counter = 0
local threads = {}

local function split(line)
  local fields = {}
  for field in (line .. "\t"):gmatch("([^\t]*)\t") do table.insert(fields, field) end
  return fields
end

function setup(thread)
  counter = counter + 1
  thread:set("offset", counter * 7919)
  table.insert(threads, thread)
end

function init(args)
  for line in io.lines(args[1]) do
    local f = split(line)
    local headers = {}
    if f[3] ~= nil and f[3] ~= "" then
      local name, value = f[3]:match("^([^:]+):%s*(.*)$")
      headers[name] = value
    end
    local body = nil
    if f[4] ~= nil and f[4] ~= "" then
      body = f[4]
      headers["Content-Type"] = "application/json"
    end
    table.insert(reqs, wrk.format(f[1], f[2], headers, body))
  end
  i = offset % #reqs
end

function request()
  i = i % #reqs + 1
  return reqs[i]
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "bytes": %d, "connect_errors": %d, ' ..
    '"read_errors": %d, "write_errors": %d, "status_errors": %d, "timeouts": %d, ' ..
    '"p50_us": %d, "p90_us": %d, "p99_us": %d, "max_us": %d, "mean_us": %.1f}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write,
    e.status, e.timeout, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max, latency.mean))
end
"""


@dataclass(frozen=True)
class Request:
    method: str
    path: str  # path and query, already percent-encoded
    header: str = ""  # one "Name: value" header
    body: str = ""  # JSON, one line

    def line(self) -> str:
        for part in (self.path, self.header, self.body):
            assert "\t" not in part and "\n" not in part, part
        return "\t".join((self.method, self.path, self.header, self.body))


def write_requests(name: str, requests: Sequence[Request]) -> Path:
    path = OUT / "requests" / f"{name}.tsv"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(r.line() + "\n" for r in requests), encoding="utf-8")
    return path


def _script() -> Path:
    path = OUT / "requests" / "cycle.lua"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(_LUA)
    return path


def wrk_once(url: str, requests_file: Path, clients: int, seconds: int) -> dict[str, Any]:
    threads = min(2, clients)
    args = [
        "wrk", f"-t{threads}", f"-c{clients}", f"-d{seconds}s", "--timeout", "10s",
        "-s", str(_script()), url, "--", str(requests_file),
    ]  # fmt: skip
    before = loadavg()
    done = subprocess.run(args, capture_output=True, text=True, timeout=seconds + 60)
    line = next((x for x in reversed(done.stdout.splitlines()) if x.startswith("{")), None)
    if line is None:
        raise RuntimeError(f"wrk failed: {done.stdout}\n{done.stderr}")
    result: dict[str, Any] = json.loads(line)
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    result["load_before"] = before
    return result


def measure(
    label: str,
    base_url: str,
    requests: Sequence[Request],
    concurrency: Sequence[int],
    seconds: int,
    runs: int,
    warmup_seconds: int = 1,
) -> dict[str, Any]:
    """For each concurrency: median rps, p50, p99 over `runs` runs (and every run's figures)."""
    requests_file = write_requests(label, requests)
    host = urlsplit(base_url)
    assert host.hostname in ("127.0.0.1", "localhost"), "loopback only"
    wrk_once(base_url, requests_file, 1, warmup_seconds)  # warm caches and connections
    out: dict[str, Any] = {"requests_in_cycle": len(requests), "seconds": seconds, "runs": runs}
    for clients in concurrency:
        samples = []
        for _ in range(runs):
            samples.append(wrk_once(base_url, requests_file, clients, seconds))
            time.sleep(0.5)
        errors = sum(
            s["status_errors"] + s["timeouts"] + s["connect_errors"] + s["read_errors"]
            for s in samples
        )
        out[str(clients)] = {
            "rps": median([s["rps"] for s in samples]),
            "p50_ms": median([s["p50_us"] / 1000 for s in samples]),
            "p99_ms": median([s["p99_us"] / 1000 for s in samples]),
            "errors": errors,
            "load_before": [s["load_before"] for s in samples],
            "samples": samples,
        }
        row = out[str(clients)]
        log(
            f"{label} c={clients}: {row['rps']:.0f} req/s, p50 {row['p50_ms']:.1f} ms, "
            f"p99 {row['p99_ms']:.1f} ms, errors {errors}, load {loadavg()}"
        )
    return out
