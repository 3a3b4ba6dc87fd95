"""The `portal` command: demo data, ingest, indexing, serving.

portal sample-data DIR [--enterprises N] [--seed S]
portal ingest PATH... [--batch-size N]
portal rules [--today YYYY-MM-DD]
portal reindex
portal serve [--host 127.0.0.1] [--port 8000]
portal demo [--port 8000] [--enterprises N]
portal objection-status REFERENCE STATUS [--note TEXT]
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import date
from enum import IntEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from sqlalchemy import func, select

from portal import logs
from portal.context import PortalContext
from portal.settings import Settings, get_settings

if TYPE_CHECKING:
    from portal.rules.job import RulesSummary

app = typer.Typer(
    help="宝鸡市产品质量诚信信息网: the public credit-information portal.",
    no_args_is_help=True,
    add_completion=False,
)
console = Console(stderr=True)
log = logs.get_logger("portal.cli")


@app.callback()
def _setup() -> None:
    from portal.errors import ConfigurationError

    try:
        settings = get_settings()
    except ConfigurationError as exc:  # e.g. a malformed PORTAL_TODAY: say which, and stop
        console.print(f"[red]配置有误:{exc.detail}[/]")
        raise typer.Exit(2) from None
    logs.configure(settings.log_level)


@contextmanager
def _progress(description: str, total: int | None = None) -> Iterator[Callable[[int], None]]:
    """A rich progress bar; the callback advances it by the number of records just handled."""
    columns = [
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    ]
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task(description, total=total)
        yield lambda n: progress.advance(task, n)


@app.command("sample-data")
def sample_data(
    out_dir: Annotated[Path, typer.Argument(help="folder to write the .jsonl files into")],
    enterprises: Annotated[int, typer.Option(min=1, help="how many enterprises")] = 3500,
    seed: Annotated[int, typer.Option(help="random seed; same seed, same files")] = 2013,
) -> None:
    """Write a deterministic demo data set in the ingest format."""
    from ingest.sample_data import write_sample_data

    with _progress("生成示例数据", enterprises) as advance:
        counts = write_sample_data(
            out_dir,
            enterprises=enterprises,
            seed=seed,
            today=get_settings().current_date(),
            progress=advance,
        )
    table = Table("文件", "记录数", title=f"示例数据已写入 {out_dir}")
    for name, count in counts.items():
        table.add_row(name, str(count))
    Console().print(table)


class ExitCode(IntEnum):
    """What `portal ingest` and `portal rules` tell a scheduler (README, "Commands")."""

    OK = 0  # everything loaded (ingest) or evaluated (rules)
    PARTIAL = 1  # done, but some lines were quarantined or some enterprises' rules failed
    USAGE = 2  # a wrong command line: unknown option, bad date, missing path
    FAILED = 3  # the run itself failed (database unreachable, …): see the log; nothing is lost


_EXIT_CODES_HELP = (
    "Exit codes: 0 all done; 1 some records quarantined or some enterprises' rules failed "
    "(see the summary); 2 usage error; 3 the run itself failed (see the log; rerun it: "
    "what a failed or killed run owes is finished by the next)."
)
_PHASES = {"load": "导入记录", "rules": "执行信用规则", "index": "更新检索索引"}


def _phase(name: str, total: int | None) -> AbstractContextManager[Callable[[int], None]]:
    return _progress(_PHASES[name], total)


@contextmanager
def _run_failures() -> Iterator[None]:
    """A failure of the run itself: logged with its traceback, exit code 3."""
    try:
        yield
    except (typer.Exit, KeyboardInterrupt):
        raise
    except Exception as exc:
        log.exception("cli.run_failed", error=type(exc).__name__)
        console.print(f"[red]运行失败:{type(exc).__name__}: {exc}[/]")
        raise typer.Exit(ExitCode.FAILED) from None


def _report_rules(today: date, summary: RulesSummary) -> None:
    console.print(
        f"信用规则({today.isoformat()}):评估 {summary.evaluated} 家企业,"
        f"新生成 {summary.derived} 条,更新 {summary.updated} 条,"
        f"撤销 {summary.withdrawn} 条,未变化 {summary.unchanged} 条。"
    )
    if summary.failed:
        shown = ", ".join(sorted(summary.failed)[:10])
        console.print(
            f"[yellow]{len(summary.failed)} 家企业的信用规则执行失败(见日志 "
            f"rules.enterprise_failed),下次运行时重试:{shown}[/]"
        )


def _report_pending(pending: int) -> None:
    if pending:
        # The records are committed; only the index lags. Not a failure of the batch.
        console.print(
            f"[yellow]检索服务不可用:{pending} 家企业的索引待更新,"
            "服务恢复后请运行 portal reindex --pending。[/]"
        )


def _ingest(context: PortalContext, paths: list[Path], batch_size: int = 1000) -> ExitCode:
    """Load, run the credit rules owed (so that what they derive is in the same search update),
    then bring the search index up to date (portal/pipeline.py); print the summary."""
    from portal import pipeline

    done = pipeline.ingest(context, paths, batch_size=batch_size, phase=_phase)
    summary, synced = done.summary, done.synced
    _report_rules(context.today(), done.rules)
    table = Table(
        "读取", "导入", "未变化", "其中过期版本", "隔离", "索引更新", "索引删除", title="导入结果"
    )
    table.add_row(
        *(
            str(n)
            for n in (
                summary.read,
                summary.loaded,
                summary.unchanged,
                summary.stale,
                summary.quarantined,
                synced.upserted,
                synced.deleted,
            )
        )
    )
    Console().print(table)
    _report_pending(synced.pending)
    if summary.quarantined:
        console.print(f"[yellow]{summary.quarantined} 条记录未通过校验,已隔离(quarantine 表)。[/]")
    partial = summary.quarantined or done.rules.failed
    return ExitCode.PARTIAL if partial else ExitCode.OK


@app.command(epilog=_EXIT_CODES_HELP)
def ingest(
    paths: Annotated[list[Path], typer.Argument(help=".jsonl files or folders of them")],
    batch_size: Annotated[
        int, typer.Option(min=1, help="lines per transaction (commit)", show_default=True)
    ] = 1000,
) -> None:
    """Load records, run the credit rules for what changed and update the search index. Exits
    1 when any record was quarantined, so a scheduler notices."""
    missing = [p for p in paths if not p.exists()]
    if missing:
        console.print(f"[red]找不到:{', '.join(map(str, missing))}[/]")
        raise typer.Exit(ExitCode.USAGE)
    with _run_failures():
        context = PortalContext.open(get_settings())
        try:
            code = _ingest(context, paths, batch_size)
        finally:
            context.close()
    if code:
        raise typer.Exit(code)


@app.command(epilog=_EXIT_CODES_HELP)
def rules(
    today: Annotated[
        str | None,
        typer.Option(help="the day to evaluate (YYYY-MM-DD); default: PORTAL_TODAY or the date"),
    ] = None,
) -> None:
    """Evaluate every credit rule for every enterprise and write what they derive; then update
    the search index of the enterprises whose public state changed (and any index work left
    owed). Run it once a day."""
    from portal import pipeline

    try:
        day = date.fromisoformat(today) if today else None
    except ValueError:
        console.print(f"[red]日期“{today}”应写作 YYYY-MM-DD[/]")
        raise typer.Exit(ExitCode.USAGE) from None
    with _run_failures():
        context = PortalContext.open(get_settings())
        try:
            day = day or context.today()
            done = pipeline.daily_rules(context, day, phase=_phase)
            _report_rules(day, done.rules)
            console.print(f"索引更新 {done.synced.upserted} 家,删除 {done.synced.deleted} 家。")
            _report_pending(done.synced.pending)
        finally:
            context.close()
    if done.rules.failed:
        raise typer.Exit(ExitCode.PARTIAL)


@app.command()
def reindex(
    pending: Annotated[
        bool, typer.Option("--pending", help="only retry the enterprises whose indexing failed")
    ] = False,
) -> None:
    """Rebuild the whole search index from the system of record, or retry the pending work."""
    from portal.errors import SearchUnavailable
    from portal.search.indexer import pending_count, rebuild_all, sync_pending

    context = PortalContext.open(get_settings())
    try:
        if pending:
            with _progress("重试待更新索引", pending_count(context.session_factory)) as advance:
                synced = sync_pending(
                    context.session_factory,
                    context.search,
                    context.today(),
                    yellow_months=context.settings.yellow_months,
                    progress=advance,
                )
            console.print(
                f"索引更新 {synced.upserted} 家,删除 {synced.deleted} 家,"
                f"仍待更新 {synced.pending} 家。"
            )
            if synced.pending:
                raise typer.Exit(1)
            return
        with _progress("重建检索索引") as advance:
            count = rebuild_all(
                context.session_factory,
                context.search,
                context.today(),
                yellow_months=context.settings.yellow_months,
                progress=advance,
            )
        console.print(f"已索引 {count} 家企业。")
    except SearchUnavailable as exc:
        console.print(f"[red]检索服务不可用:{exc.detail}[/]")
        raise typer.Exit(1) from None
    finally:
        context.close()


def _serve(settings: Settings, host: str, port: int, workers: int = 1) -> None:
    import uvicorn

    from portal.server import create_app

    console.print(f"门户已启动:http://{host}:{port}/")
    # The app reads X-Forwarded-For itself, from PORTAL_TRUSTED_PROXIES only (uvicorn's own
    # default trusts it from 127.0.0.1); no `server: uvicorn` header tells what runs here.
    options: dict[str, Any] = dict(
        host=host, port=port, log_config=None, proxy_headers=False, server_header=False
    )
    if workers == 1:
        uvicorn.run(create_app(settings), **options)
    else:
        # Each worker process builds its app from the same environment (get_settings()).
        uvicorn.run("portal.server:create_app", factory=True, workers=workers, **options)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="address to bind")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port to bind")] = 8000,
    workers: Annotated[
        int, typer.Option(min=1, help="server processes (one per core serves the most)")
    ] = 1,
) -> None:
    """Serve the public site, GraphQL and the feeds."""
    _serve(get_settings(), host, port, workers)


@app.command()
def demo(
    port: Annotated[int, typer.Option(help="port to bind")] = 8000,
    enterprises: Annotated[int, typer.Option(min=1, help="size of the demo data set")] = 3500,
    host: Annotated[str, typer.Option(help="address to bind")] = "127.0.0.1",
) -> None:
    """Demo data + ingest + serve, in one command; a second run reuses the loaded database."""
    from portal.storage.models import Enterprise

    settings = get_settings()
    context = PortalContext.open(settings)
    try:
        with context.session() as session:
            loaded = session.scalar(select(func.count()).select_from(Enterprise)) or 0
        if loaded:
            shown = context.engine.url.render_as_string(hide_password=True)
            console.print(f"复用已有数据库({loaded} 家企业):{shown}")
        else:
            sample_dir = settings.data_dir / "sample"
            sample_data(sample_dir, enterprises=enterprises, seed=2013)
            # The sample deliberately holds bad records: quarantining them is part of the demo.
            _ingest(context, [sample_dir])
    finally:
        context.close()
    _serve(settings, host, port)


@app.command("objection-status")
def objection_status(
    reference: Annotated[str, typer.Argument(help="the objection's reference, e.g. YY-2026-…")],
    status: Annotated[str, typer.Argument(help="received | under_review | upheld | rejected")],
    note: Annotated[
        str | None,
        typer.Option(help="public explanation of the decision; without it, the note is cleared"),
    ] = None,
) -> None:
    """Staff: set an objection's status (and its public note), shown on its status page."""
    from portal import clock
    from portal.domain import OBJECTION_STATUS_LABELS, ObjectionStatus
    from portal.errors import PortalError
    from portal.objections import decide

    try:
        new_status = ObjectionStatus(status)
    except ValueError:
        console.print(f"[red]未知状态“{status}”:应为 {' | '.join(ObjectionStatus)}[/]")
        raise typer.Exit(2) from None
    # With the search backend: an upheld objection withdraws the record and reindexes at once.
    context = PortalContext.open(get_settings())
    try:
        decided = decide(context, reference, new_status, note=note, now=clock.utc_now())
    except PortalError as exc:
        console.print(f"[red]{exc.detail}[/]")
        raise typer.Exit(1) from None
    finally:
        context.close()
    view = decided.objection
    label = OBJECTION_STATUS_LABELS[view.status]
    Console().print(f"异议 {view.reference}:{label}({view.status.value})")
    if view.status is ObjectionStatus.upheld:
        Console().print(f"该信息已撤回;已更新 {decided.reindexed} 家企业的检索索引。")


def main() -> None:
    app()


if __name__ == "__main__":  # python -m portal.cli
    main()
