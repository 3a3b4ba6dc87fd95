"""One raw line of an ingest file to a validated record, or a readable reason why not."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from pydantic import ValidationError

from ingest.records import DATA_MODELS, DEFAULT_RECTIFICATION_DAYS, ENVELOPES, Envelope, RecordData

# Chinese for pydantic's error types; pydantic's English message follows in parentheses.
_ERROR_TYPES_ZH = {
    "missing": "缺少必填字段",
    "extra_forbidden": "未知字段",
    "date_type": "日期应写作 YYYY-MM-DD",
    "date_parsing": "日期应写作 YYYY-MM-DD",
    "date_from_datetime_parsing": "日期应写作 YYYY-MM-DD",
    "date_from_datetime_inexact": "日期应写作 YYYY-MM-DD",
    "datetime_type": "时间应写作带时区的 ISO 8601",
    "datetime_parsing": "时间应写作带时区的 ISO 8601",
    "datetime_from_date_parsing": "时间应写作带时区的 ISO 8601",
    "timezone_aware": "时间须带时区",
    "enum": "取值不在允许范围内",
    "literal_error": "取值不在允许范围内",
    "string_type": "应为字符串",
    "int_type": "应为整数",
    "bool_type": "应为布尔值 true 或 false",
    "list_type": "应为列表",
    "model_type": "应为对象",
    "dict_type": "应为对象",
    "model_attributes_type": "应为对象",
    "string_too_short": "不能为空",
    "string_too_long": "过长",
    "too_short": "不能为空",
    "greater_than_equal": "数值过小",
    "less_than_equal": "数值过大",
    "json_invalid": "不是合法的 JSON",
}
# At most this many errors in a reason; the rest are counted.
_MAX_ERRORS = 8


class RecordError(ValueError):
    """A line that cannot be loaded: why, and what could be read of its identity."""

    def __init__(
        self,
        reason: str,
        *,
        kind: str | None = None,
        system: str | None = None,
        record_id: str | None = None,
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.kind = kind
        self.system = system
        self.record_id = record_id


@dataclass(frozen=True)
class ParsedRecord:
    kind: str
    envelope: Envelope[Any]
    # SHA-256 of the canonical JSON of the whole envelope as sent.
    content_hash: str

    @property
    def data(self) -> RecordData:
        data = self.envelope.data
        assert isinstance(data, RecordData)
        return data

    @property
    def key(self) -> tuple[str, str, str]:
        """Kind, source system and source record id: what identifies the record's row."""
        return self.kind, self.envelope.source.system, self.envelope.source.record_id


def canonical_hash(value: Any) -> str:
    """SHA-256 of the canonical JSON of a parsed value: sorted keys, no spaces, UTF-8."""
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def readable_errors(exc: ValidationError) -> str:
    """A validation error as one line: `loc: 中文 (English)` per error, `; ` between them."""
    errors = exc.errors(include_url=False)
    parts = []
    for error in errors[:_MAX_ERRORS]:
        loc = ".".join(str(part) for part in error["loc"]) or "record"
        message = error["msg"]
        if error["type"] == "value_error":
            text = message.removeprefix("Value error, ")
        elif zh := _ERROR_TYPES_ZH.get(error["type"]):
            value = error.get("input")
            show = _is_scalar(value) and error["type"] not in ("missing", "extra_forbidden")
            shown = f",实为 {_short(value)}" if show else ""
            text = f"{zh}{shown}({message})"
        else:
            text = message
        parts.append(f"{loc}: {text}")
    if len(errors) > _MAX_ERRORS:
        parts.append(f"另有 {len(errors) - _MAX_ERRORS} 处错误({len(errors) - _MAX_ERRORS} more)")
    return "; ".join(parts)


def _is_scalar(value: Any) -> bool:
    return value is None or isinstance(value, str | int | float | bool)


def _short(value: Any, limit: int = 40) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _clipped(text: str, limit: int = 300) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _identity_of(obj: dict[str, Any]) -> tuple[str | None, str | None, str | None]:
    """Kind, source system and record id, as far as they are readable strings."""
    source = obj.get("source")
    source = source if isinstance(source, dict) else {}
    readable = [obj.get("kind"), source.get("system"), source.get("record_id")]
    kind, system, record_id = (value if isinstance(value, str) else None for value in readable)
    return kind, system, record_id


def parse_record(
    raw: str,
    *,
    rectification_days: int = DEFAULT_RECTIFICATION_DAYS,
    today: date | None = None,
) -> ParsedRecord:
    """Validate one line of an ingest file; `RecordError` says why it cannot be loaded.

    `today` is the day of ingest that the plausible ranges of dates are relative to (the real
    date when None)."""
    try:
        obj = json.loads(raw)
    except RecursionError:
        raise RecordError("不是合法的 JSON:嵌套过深(invalid JSON: nested too deeply)") from None
    except ValueError as exc:
        # JSONDecodeError, and the ValueError of an integer longer than Python converts
        # (4,300 digits): either way not a line the portal can read.
        raise RecordError(f"不是合法的 JSON(invalid JSON: {_clipped(str(exc))})") from None
    if not isinstance(obj, dict):
        raise RecordError(f"不是 JSON 对象(not a JSON object but {type(obj).__name__})")
    kind, system, record_id = _identity_of(obj)
    ids = {"kind": kind, "system": system, "record_id": record_id}
    if "kind" not in obj:
        raise RecordError("kind: 缺少记录类型(missing record kind)", **ids)
    model = ENVELOPES.get(kind) if kind is not None else None
    if model is None:
        raise RecordError(
            f"kind: 未知的记录类型 {_short(obj['kind'])}"
            f"(unknown kind; expected one of {', '.join(DATA_MODELS)})",
            **ids,
        )
    try:
        envelope = model.model_validate_json(
            raw,
            context={"rectification_days": rectification_days, "today": today or date.today()},
        )
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        if errors and errors[0]["type"] == "json_invalid":
            # What Python's reader takes but the validator does not: a lone surrogate escape
            # ("\ud800"), which is no character and cannot be stored or shown.
            message = _clipped(errors[0]["msg"])
            hint = ",例如不成对的代理项转义 \\ud800" if "escape" in message else ""
            raise RecordError(f"不是合法的 JSON{hint}({message})", **ids) from None
        raise RecordError(readable_errors(exc), **ids) from None
    return ParsedRecord(kind=envelope.kind, envelope=envelope, content_hash=canonical_hash(obj))
