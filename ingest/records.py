"""The records of the ingest format (docs/ingest-format.md) as pydantic models.

`Envelope[Data]` is one line: the envelope around one kind's `data`. Validation is strict (JSON
types are not coerced: `"2"` is not a version, `"true"` not a boolean) and unknown fields are
errors. The validators check what a JSON Schema cannot: check characters of USCCs and
organisation codes, the district, date order, and the rules tying fields together.

`ingest.parsing.parse_record` validates one raw line with these models; its `RecordError` gives
a reason readable in Chinese and English, e.g. ``data.uscc: 统一社会信用代码校验码错误…``.

The field values (codes, strings) are in `ingest.fields`. The JSON Schemas in `ingest/schemas/` are
generated from these models; after changing a model run
``python -c "from ingest.records import write_json_schemas; write_json_schemas()"``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any, ClassVar, Generic, Literal, Self, TypeVar

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)

from ingest.fields import (
    District,
    Names,
    NoNul,
    OrgCode,
    Str40,
    Str50,
    Str60,
    Str100,
    Str200,
    Str300,
    Text500,
    Text1000,
    Text2000,
    Uscc,
    not_before,
)
from portal.domain import CreditList, EquipmentKind, SamplingResult, Scale, Severity
from portal.settings import default_of

SCHEMA_DIR = Path(__file__).parent / "schemas"
JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
# Days to a rectification notice's deadline when it gives none and the loader passes no setting:
# the default of settings.rectification_days (written down there only).
DEFAULT_RECTIFICATION_DAYS = default_of("rectification_days")
# The largest `source.version`: the largest value of an SQL INTEGER column.
MAX_VERSION = 2**31 - 1

Kind = Literal[
    "enterprise", "licence", "product", "special_equipment", "measuring_instrument", "operator",
    "sampling_inspection", "rectification_notice", "enforcement_case", "complaint", "designation",
    "correction", "credit_repair",
]  # fmt: skip
# The systems that export records (SourceSystem without `credit_rules`, which the portal derives).
SystemName = Literal[
    "metrology", "quality_inspection", "fibre_inspection", "special_equipment",
    "org_code_registry", "public_complaint", "media_report", "higher_authority_notice",
    "enforcement_inspection",
]  # fmt: skip
# The systems a record may name as the source of another record: the exporters, and the portal's
# credit rules (a correction or credit repair may name a designation the rules derived).
TargetSystem = Literal[
    "metrology", "quality_inspection", "fibre_inspection", "special_equipment",
    "org_code_registry", "public_complaint", "media_report", "higher_authority_notice",
    "enforcement_inspection", "credit_rules",
]  # fmt: skip
Channel = Literal[
    "public_complaint", "media_report", "higher_authority_notice", "enforcement_inspection"
]


# --- plausible dates ------------------------------------------------------------------------------
# Every date field has a range relative to the day of ingest (`today` in the validation context;
# the real date without one), declared here once. A date out of its range is a typo or a sentinel
# such as 9999-12-31 ("never"), and would mislead the rules (or overflow their arithmetic).

# No record of the bureau's systems predates the People's Republic's administration (the codes,
# licences and inspections all came later); an enterprise may be older.
DATE_FLOOR = date(1949, 10, 1)
FOUNDING_FLOOR = date(1800, 1, 1)
# Days an event may lie after the day of ingest: an export made in China shortly after midnight
# reaches a server that still counts the day before.
EVENT_TOLERANCE_DAYS = 1
# Years ahead a due date, deadline or planned date may lie: longer than any inspection interval,
# licence or display period, far short of what date arithmetic cannot hold.
HORIZON_YEARS = 50


@dataclass(frozen=True)
class DateRange:
    """How far back and ahead a date may lie, relative to the day of ingest."""

    earliest: date
    # Days after today for events; None: a due date, at most HORIZON_YEARS ahead.
    days_ahead: int | None

    def latest(self, today: date) -> date:
        if self.days_ahead is not None:
            return today + timedelta(days=self.days_ahead)
        return today + timedelta(days=365 * HORIZON_YEARS + HORIZON_YEARS // 4)

    def check(self, value: date, info: ValidationInfo) -> date:
        today = (info.context or {}).get("today") or date.today()
        if value < self.earliest:
            raise ValueError(
                f"日期 {value} 早于 {self.earliest},不合常理(a date before {self.earliest} "
                "is not plausible)"
            )
        latest = self.latest(today)
        if value > latest and self.days_ahead is not None:
            raise ValueError(
                f"日期 {value} 在未来(晚于 {latest}):已发生的事件不能晚于导入当日 {today}"
                f"(an event date may not lie in the future; today is {today})"
            )
        if value > latest:
            raise ValueError(
                f"日期 {value} 晚于 {latest},超出 {HORIZON_YEARS} 年期限;9999-12-31 等"
                "不表示“无期限”,无到期日时请省略该字段或写 null(若允许)(a due date lies at "
                f"most {HORIZON_YEARS} years ahead; leave an optional date out instead of a "
                "sentinel)"
            )
        return value


EVENT = DateRange(DATE_FLOOR, EVENT_TOLERANCE_DAYS)
FOUNDING = DateRange(FOUNDING_FLOOR, EVENT_TOLERANCE_DAYS)
DUE = DateRange(DATE_FLOOR, None)
_RANGE_TEXT = {
    EVENT: f"event: from {DATE_FLOOR}, not after the day of ingest + {EVENT_TOLERANCE_DAYS} day",
    FOUNDING: f"event: from {FOUNDING_FLOOR}, not after the day of ingest + "
    f"{EVENT_TOLERANCE_DAYS} day",
    DUE: f"due or planned: from {DATE_FLOOR}, at most {HORIZON_YEARS} years after the day of "
    "ingest",
}


# A day something happened (issued, sampled, received, opened, corrected, decided…).
EventDate = Annotated[
    date, AfterValidator(EVENT.check), Field(json_schema_extra={"x-date-range": _RANGE_TEXT[EVENT]})
]
# The day an enterprise was established.
FoundingDate = Annotated[
    date,
    AfterValidator(FOUNDING.check),
    Field(json_schema_extra={"x-date-range": _RANGE_TEXT[FOUNDING]}),
]
# A day something is due or planned (expiry, next inspection, deadline, publication, a list
# entry's start and end).
DueDate = Annotated[
    date, AfterValidator(DUE.check), Field(json_schema_extra={"x-date-range": _RANGE_TEXT[DUE]})
]


def _approved_in_range(value: datetime, info: ValidationInfo) -> datetime:
    DUE.check(value.date(), info)
    return value


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, use_enum_values=True)


# --- the envelope -------------------------------------------------------------------------------


class Source(_Model):
    """The record's identity in the system that exported it."""

    system: SystemName
    record_id: Annotated[str, StringConstraints(min_length=1, max_length=100), NoNul]
    # At most the largest 32-bit integer: the column's limit on PostgreSQL.
    version: Annotated[int, Field(ge=1, le=MAX_VERSION)]


class Vetting(_Model):
    """Who approved the record for publication, and when."""

    approved_by: Str100
    # When it was approved; a vetting dated ahead (approved for a later publication) is allowed
    # within the horizon of due dates.
    approved_at: Annotated[AwareDatetime, AfterValidator(_approved_in_range)]


DataT = TypeVar("DataT")


class Envelope(_Model, Generic[DataT]):
    """One line of an ingest file: a record of one kind with its provenance."""

    kind: Kind
    source: Source
    vetting: Vetting | None = Field(description="null: not vetted, stored but never published")
    published_on: DueDate | None = Field(description="the day from which the record is public")
    withdrawn: bool = Field(description="true withdraws the record from every public view")
    data: DataT = Field(description="the kind's fields: see <kind>.schema.json")


# --- each kind's data ---------------------------------------------------------------------------


class RecordData(_Model):
    """Base of every kind's `data`: each names an enterprise by its USCC."""

    # Optional fields stored as these values when absent (their columns are not null).
    null_defaults: ClassVar[dict[str, Any]] = {}
    # Whether `uscc` refers to an enterprise (stored as `enterprise_uscc`) or is the key itself.
    references_enterprise: ClassVar[bool] = True
    # Fields stored in a column of another name.
    renamed: ClassVar[dict[str, str]] = {}

    uscc: Uscc

    def columns(self) -> dict[str, Any]:
        """The values of the kind's table columns (without provenance and child rows)."""
        values = self.model_dump(exclude={"items"})
        for name, default in self.null_defaults.items():
            if values[name] is None:
                values[name] = default
        for name, column in self.renamed.items():
            values[column] = values.pop(name)
        if self.references_enterprise:
            values["enterprise_uscc"] = values.pop("uscc")
        return values


class EnterpriseData(RecordData):
    """企业: an enterprise, keyed by its 统一社会信用代码."""

    null_defaults: ClassVar[dict[str, Any]] = {"former_names": []}
    references_enterprise: ClassVar[bool] = False

    org_code: OrgCode
    name: Str200
    former_names: Names | None = None
    legal_representative: Str100 | None = None
    address: Str300 | None = None
    district: District
    industry: Str40
    scale: Scale | None = None
    established_on: FoundingDate | None = None

    @field_validator("org_code")
    @classmethod
    def _org_code_in_uscc(cls, value: str, info: ValidationInfo) -> str:
        uscc = info.data.get("uscc")
        if uscc is not None and uscc[8:17] != value:
            raise ValueError(
                f"组织机构代码“{value}”与统一社会信用代码第9至17位“{uscc[8:17]}”不一致"
                "(org_code must equal characters 9–17 of uscc)"
            )
        return value


class LicenceData(RecordData):
    """行政许可: a licence, e.g. 工业产品生产许可证."""

    licence_no: Str60
    kind: Str60
    scope: Text2000 | None = None
    issuer: Str100 | None = None
    issued_on: EventDate
    expires_on: DueDate

    @field_validator("expires_on")
    @classmethod
    def _expires_after_issue(cls, value: date, info: ValidationInfo) -> date | None:
        return not_before(value, info, "issued_on")


class ProductData(RecordData):
    """产品: a product an enterprise makes."""

    name: Str200
    category: Str100 | None = None
    standard: Str100 | None = None


class SpecialEquipmentData(RecordData):
    """特种设备: a unit of special equipment; missing manufacturer or filing is a finding."""

    registration_no: Str60
    kind: EquipmentKind
    model: Str100 | None = None
    location: Str200 | None = None
    manufacturer: Str200 | None = None
    installation_filing: Str60 | None = None
    last_inspected_on: EventDate | None = None
    next_inspection_due: DueDate

    @field_validator("next_inspection_due")
    @classmethod
    def _due_after_inspection(cls, value: date, info: ValidationInfo) -> date | None:
        return not_before(value, info, "last_inspected_on")


class MeasuringInstrumentData(RecordData):
    """计量器具: a measuring instrument; 强制检定 ones must be verified on time."""

    instrument_no: Str60
    name: Str100
    mandatory_verification: bool
    last_verified_on: EventDate | None = None
    next_verification_due: DueDate | None = None

    @field_validator("next_verification_due")
    @classmethod
    def _due_after_verification(cls, value: date | None, info: ValidationInfo) -> date | None:
        return not_before(value, info, "last_verified_on")


class OperatorData(RecordData):
    """作业人员: a certified operator (personal data, masked in public)."""

    name: Str50
    certificate_no: Str60
    category: Str60
    certificate_expires_on: DueDate


class SamplingInspectionData(RecordData):
    """监督抽查: a product sampling inspection; failed items exactly when it failed."""

    product_name: Str200
    batch: Str60 | None = None
    sampled_on: EventDate
    result: SamplingResult
    failed_items: Annotated[list[Str200], Field(max_length=100)]
    inspecting_body: Str200 | None = None

    @field_validator("failed_items")
    @classmethod
    def _failed_items_iff_fail(cls, value: list[str], info: ValidationInfo) -> list[str]:
        result = info.data.get("result")
        if result == SamplingResult.failed and not value:
            raise ValueError("抽查不合格时应列出不合格项目(a failed inspection lists its items)")
        if result == SamplingResult.passed and value:
            raise ValueError("抽查合格时不应有不合格项目(a passed inspection has no failed items)")
        return value


class RectificationItemData(_Model):
    """整改项目: one finding of a notice."""

    description: Text500
    rectified: bool


class RectificationNoticeData(RecordData):
    """责令整改通知书: a rectification notice; the deadline defaults to issue + 30 days."""

    null_defaults: ClassVar[dict[str, Any]] = {"refused": False, "serious": False}

    notice_no: Str60
    issued_on: EventDate
    deadline: DueDate | None = None
    rectified_on: EventDate | None = None
    refused: bool | None = None
    serious: bool | None = None
    items: Annotated[list[RectificationItemData], Field(min_length=1, max_length=200)]

    @field_validator("deadline", "rectified_on")
    @classmethod
    def _after_issue(cls, value: date | None, info: ValidationInfo) -> date | None:
        return not_before(value, info, "issued_on")

    @model_validator(mode="after")
    def _default_deadline(self, info: ValidationInfo) -> Self:
        if self.deadline is None:
            context = info.context or {}
            days = context.get("rectification_days", DEFAULT_RECTIFICATION_DAYS)
            try:
                self.deadline = DUE.check(self.issued_on + timedelta(days=days), info)
            except OverflowError:  # only a setting of millions of days gets here
                raise ValueError(
                    f"issued_on {self.issued_on} 加 {days} 天超出日期范围(the default deadline "
                    "is out of range)"
                ) from None
        return self


class EnforcementCaseData(RecordData):
    """执法办案: an enforcement case."""

    null_defaults: ClassVar[dict[str, Any]] = {"endangers_health_or_safety": False}

    case_no: Str60
    opened_on: EventDate
    closed_on: EventDate | None = None
    violation: Text2000
    endangers_health_or_safety: bool | None = None
    penalty: Text1000 | None = None

    @field_validator("closed_on")
    @classmethod
    def _closed_after_opening(cls, value: date | None, info: ValidationInfo) -> date | None:
        return not_before(value, info, "opened_on")


class ComplaintData(RecordData):
    """质量投诉: a complaint or report from one of the four channels."""

    channel: Channel
    received_on: EventDate
    summary: Text2000
    outcome: Text2000 | None = None
    substantiated: bool | None = None


class DesignationData(RecordData):
    """An enterprise on a public list: exemplary, bad records, blacklist, quality-safety warning."""

    null_defaults: ClassVar[dict[str, Any]] = {"products": [], "health_or_safety_risk": False}
    renamed: ClassVar[dict[str, str]] = {"list": "list_name"}

    list: CreditList  # shadows the builtin in this class body: `Names` below
    title: Str300
    reason: Text2000
    products: Names | None = None
    health_or_safety_risk: bool | None = None
    starts_on: DueDate
    ends_on: DueDate | None = None
    corrected_on: EventDate | None = None
    # Absent: the list's default (bad_records moderate; blacklist, warnings serious).
    severity: Severity | None = None

    @field_validator("ends_on")
    @classmethod
    def _ends_after_start(cls, value: date | None, info: ValidationInfo) -> date | None:
        return not_before(value, info, "starts_on")


RecordId = Annotated[str, StringConstraints(min_length=1, max_length=100), NoNul]


class RecordRef(_Model):
    """Another record, by its kind and provenance identity."""

    kind: Kind
    system: TargetSystem
    record_id: RecordId


class DesignationRef(_Model):
    """A designation (of a list), by its provenance identity."""

    system: TargetSystem
    record_id: RecordId


class CorrectionData(RecordData):
    """整改纠正: the bureau records that the problem a record showed was corrected. `target` is
    the record that caused a bad record (e.g. the overdue special equipment), or the bad record
    (kind `designation`) itself; corrected within 15 days of publication, no upgrade follows."""

    target: RecordRef
    corrected_on: EventDate
    note: Text1000 | None = None

    def columns(self) -> dict[str, Any]:
        values = super().columns()
        target = values.pop("target")
        values["target_kind"] = target["kind"]
        values["target_system"] = target["system"]
        values["target_record_id"] = target["record_id"]
        return values


class CreditRepairData(RecordData):
    """信用修复: an application to repair the credit of one designation, and the decision
    (`decided_on` absent while pending). Approved and applied for on or after the eligibility
    date, the designation leaves every public view from `decided_on`."""

    target: DesignationRef
    applied_on: EventDate
    decided_on: EventDate | None = None
    approved: bool
    note: Text1000 | None = None

    @field_validator("decided_on")
    @classmethod
    def _decided_after_application(cls, value: date | None, info: ValidationInfo) -> date | None:
        return not_before(value, info, "applied_on")

    @model_validator(mode="after")
    def _approved_when_decided(self) -> Self:
        if self.approved and self.decided_on is None:
            raise ValueError(
                "批准的信用修复须有决定日期 decided_on(an approved repair has a decided_on)"
            )
        return self

    def columns(self) -> dict[str, Any]:
        values = super().columns()
        target = values.pop("target")
        values["target_system"] = target["system"]
        values["target_record_id"] = target["record_id"]
        return values


DATA_MODELS: dict[str, type[RecordData]] = {
    "enterprise": EnterpriseData,
    "licence": LicenceData,
    "product": ProductData,
    "special_equipment": SpecialEquipmentData,
    "measuring_instrument": MeasuringInstrumentData,
    "operator": OperatorData,
    "sampling_inspection": SamplingInspectionData,
    "rectification_notice": RectificationNoticeData,
    "enforcement_case": EnforcementCaseData,
    "complaint": ComplaintData,
    "designation": DesignationData,
    "correction": CorrectionData,
    "credit_repair": CreditRepairData,
}
ENVELOPES: dict[str, type[Envelope[Any]]] = {
    kind: Envelope[model]  # type: ignore[valid-type]
    for kind, model in DATA_MODELS.items()
}


# --- JSON Schemas -------------------------------------------------------------------------------


def json_schemas() -> dict[str, dict[str, Any]]:
    """The JSON Schema of the envelope and of each kind's `data`, by file name."""
    envelope = Envelope[dict[str, Any]].model_json_schema()
    envelope["title"] = "Envelope"
    schemas = {"envelope.schema.json": envelope}
    for kind, model in DATA_MODELS.items():
        schemas[f"{kind}.schema.json"] = model.model_json_schema()
    return {name: {"$schema": JSON_SCHEMA_DIALECT, **schema} for name, schema in schemas.items()}


def schema_text(schema: dict[str, Any]) -> str:
    """A schema as written to its file."""
    return json.dumps(schema, ensure_ascii=False, indent=2) + "\n"


def write_json_schemas(directory: Path = SCHEMA_DIR) -> list[Path]:
    """Write every schema of `json_schemas()` into `directory`; the files written."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, schema in json_schemas().items():
        path = directory / name
        path.write_text(schema_text(schema), encoding="utf-8")
        written.append(path)
    return written
