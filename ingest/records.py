"""The records of the ingest format (docs/ingest-format.md) as pydantic models.

`Envelope[Data]` is one line: the envelope around one kind's `data`. Validation is strict (JSON
types are not coerced: `"2"` is not a version, `"true"` not a boolean) and unknown fields are
errors. The validators check what a JSON Schema cannot: check characters of USCCs and
organisation codes, the district, date order, and the rules tying fields together.

`ingest.parsing.parse_record` validates one raw line with these models; its `RecordError` gives
a reason readable in Chinese and English, e.g. ``data.uscc: 统一社会信用代码校验码错误…``.

The JSON Schemas in `ingest/schemas/` are generated from these models; after changing a model run
``python -c "from ingest.records import write_json_schemas; write_json_schemas()"``.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from functools import lru_cache
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

from portal.codes import InvalidCode, validate_org_code, validate_uscc
from portal.domain import DISTRICTS, CreditList, EquipmentKind, SamplingResult, Scale, Severity
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


@lru_cache(maxsize=1 << 16)  # every record names its enterprise: the same few codes again
def _check_uscc(value: str) -> str:
    try:
        code = validate_uscc(value)
    except InvalidCode as exc:
        raise ValueError(f"{exc}(invalid USCC)") from None
    if code != value:
        raise ValueError(
            "统一社会信用代码应写作18位大写字母或数字,不含空格和连字符"
            "(write the USCC as 18 upper-case characters)"
        )
    return code


def _check_org_code(value: str) -> str:
    try:
        code = validate_org_code(value)
    except InvalidCode as exc:
        raise ValueError(f"{exc}(invalid organisation code)") from None
    if code != value:
        raise ValueError(
            "组织机构代码应写作9位大写字母或数字,不含空格和连字符"
            "(write the organisation code as 9 upper-case characters)"
        )
    return code


def _check_district(value: str) -> str:
    if value not in DISTRICTS:
        raise ValueError(f"区县“{value}”不是宝鸡市的区县之一(unknown district)")
    return value


def _not_before(value: date | None, info: ValidationInfo, earlier: str) -> date | None:
    """`value`, unless it lies before the (already validated) field `earlier`."""
    start = info.data.get(earlier)
    if value is not None and isinstance(start, date) and value < start:
        raise ValueError(f"{value} 早于 {earlier} {start}(must not be before {earlier})")
    return value


_USCC_CHARS = "0-9A-HJ-NPQRTUWXY"
Uscc = Annotated[
    str,
    AfterValidator(_check_uscc),
    Field(
        description="统一社会信用代码 (GB 32100-2015, with check character)",
        json_schema_extra={"pattern": f"^[{_USCC_CHARS}]{{2}}[0-9]{{6}}[{_USCC_CHARS}]{{10}}$"},
    ),
]
OrgCode = Annotated[
    str,
    AfterValidator(_check_org_code),
    Field(
        description="组织机构代码 (GB 11714, with check character)",
        json_schema_extra={"pattern": "^[0-9A-Z]{8}[0-9X]$"},
    ),
]
District = Annotated[
    str, AfterValidator(_check_district), Field(json_schema_extra={"enum": list(DISTRICTS)})
]


def _no_nul(value: str) -> str:
    # JSON may spell U+0000 as "\u0000"; PostgreSQL stores no NUL in text.
    if "\x00" in value:
        raise ValueError(
            "不能包含 NUL 字符(U+0000)(must not contain NUL characters, which the database "
            "cannot store)"
        )
    return value


def _stripped(max_length: int | None = None) -> StringConstraints:
    return StringConstraints(strip_whitespace=True, min_length=1, max_length=max_length)


_NoNul = AfterValidator(_no_nul)
# Non-empty strings without NUL, at most as long as their columns (PostgreSQL refuses longer ones).
Str40 = Annotated[str, _stripped(40), _NoNul]
Str50 = Annotated[str, _stripped(50), _NoNul]
Str60 = Annotated[str, _stripped(60), _NoNul]
Str100 = Annotated[str, _stripped(100), _NoNul]
Str200 = Annotated[str, _stripped(200), _NoNul]
Str300 = Annotated[str, _stripped(300), _NoNul]
Text = Annotated[str, _stripped(), _NoNul]
Names = list[Str200]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, use_enum_values=True)


# --- the envelope -------------------------------------------------------------------------------


class Source(_Model):
    """The record's identity in the system that exported it."""

    system: SystemName
    record_id: Annotated[str, StringConstraints(min_length=1, max_length=100), _NoNul]
    # At most the largest 32-bit integer: the column's limit on PostgreSQL.
    version: Annotated[int, Field(ge=1, le=MAX_VERSION)]


class Vetting(_Model):
    """Who approved the record for publication, and when."""

    approved_by: Str100
    approved_at: AwareDatetime


DataT = TypeVar("DataT")


class Envelope(_Model, Generic[DataT]):
    """One line of an ingest file: a record of one kind with its provenance."""

    kind: Kind
    source: Source
    vetting: Vetting | None = Field(description="null: not vetted, stored but never published")
    published_on: date | None = Field(description="the day from which the record is public")
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
    established_on: date | None = None

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
    scope: Text | None = None
    issuer: Str100 | None = None
    issued_on: date
    expires_on: date

    @field_validator("expires_on")
    @classmethod
    def _expires_after_issue(cls, value: date, info: ValidationInfo) -> date | None:
        return _not_before(value, info, "issued_on")


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
    last_inspected_on: date | None = None
    next_inspection_due: date

    @field_validator("next_inspection_due")
    @classmethod
    def _due_after_inspection(cls, value: date, info: ValidationInfo) -> date | None:
        return _not_before(value, info, "last_inspected_on")


class MeasuringInstrumentData(RecordData):
    """计量器具: a measuring instrument; 强制检定 ones must be verified on time."""

    instrument_no: Str60
    name: Str100
    mandatory_verification: bool
    last_verified_on: date | None = None
    next_verification_due: date | None = None

    @field_validator("next_verification_due")
    @classmethod
    def _due_after_verification(cls, value: date | None, info: ValidationInfo) -> date | None:
        return _not_before(value, info, "last_verified_on")


class OperatorData(RecordData):
    """作业人员: a certified operator (personal data, masked in public)."""

    name: Str50
    certificate_no: Str60
    category: Str60
    certificate_expires_on: date


class SamplingInspectionData(RecordData):
    """监督抽查: a product sampling inspection; failed items exactly when it failed."""

    product_name: Str200
    batch: Str60 | None = None
    sampled_on: date
    result: SamplingResult
    failed_items: list[Text]
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

    description: Text
    rectified: bool


class RectificationNoticeData(RecordData):
    """责令整改通知书: a rectification notice; the deadline defaults to issue + 30 days."""

    null_defaults: ClassVar[dict[str, Any]] = {"refused": False, "serious": False}

    notice_no: Str60
    issued_on: date
    deadline: date | None = None
    rectified_on: date | None = None
    refused: bool | None = None
    serious: bool | None = None
    items: Annotated[list[RectificationItemData], Field(min_length=1)]

    @field_validator("deadline", "rectified_on")
    @classmethod
    def _after_issue(cls, value: date | None, info: ValidationInfo) -> date | None:
        return _not_before(value, info, "issued_on")

    @model_validator(mode="after")
    def _default_deadline(self, info: ValidationInfo) -> Self:
        if self.deadline is None:
            context = info.context or {}
            days = context.get("rectification_days", DEFAULT_RECTIFICATION_DAYS)
            self.deadline = self.issued_on + timedelta(days=days)
        return self


class EnforcementCaseData(RecordData):
    """执法办案: an enforcement case."""

    null_defaults: ClassVar[dict[str, Any]] = {"endangers_health_or_safety": False}

    case_no: Str60
    opened_on: date
    closed_on: date | None = None
    violation: Text
    endangers_health_or_safety: bool | None = None
    penalty: Text | None = None

    @field_validator("closed_on")
    @classmethod
    def _closed_after_opening(cls, value: date | None, info: ValidationInfo) -> date | None:
        return _not_before(value, info, "opened_on")


class ComplaintData(RecordData):
    """质量投诉: a complaint or report from one of the four channels."""

    channel: Channel
    received_on: date
    summary: Text
    outcome: Text | None = None
    substantiated: bool | None = None


class DesignationData(RecordData):
    """An enterprise on a public list: exemplary, bad records, blacklist, quality-safety warning."""

    null_defaults: ClassVar[dict[str, Any]] = {"products": [], "health_or_safety_risk": False}
    renamed: ClassVar[dict[str, str]] = {"list": "list_name"}

    list: CreditList  # shadows the builtin in this class body: `Names` below
    title: Str300
    reason: Text
    products: Names | None = None
    health_or_safety_risk: bool | None = None
    starts_on: date
    ends_on: date | None = None
    corrected_on: date | None = None
    # Absent: the list's default (bad_records moderate; blacklist, warnings serious).
    severity: Severity | None = None

    @field_validator("ends_on")
    @classmethod
    def _ends_after_start(cls, value: date | None, info: ValidationInfo) -> date | None:
        return _not_before(value, info, "starts_on")


RecordId = Annotated[str, StringConstraints(min_length=1, max_length=100), _NoNul]


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
    corrected_on: date
    note: Text | None = None

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
    applied_on: date
    decided_on: date | None = None
    approved: bool
    note: Text | None = None

    @field_validator("decided_on")
    @classmethod
    def _decided_after_application(cls, value: date | None, info: ValidationInfo) -> date | None:
        return _not_before(value, info, "applied_on")

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
