"""The names of the domain (see ../shared/GLOSSARY.md) as enumerations, with their Chinese labels.

Code, URLs, the GraphQL schema and the ingest format use the English values; the public site shows
the Chinese labels.
"""

from __future__ import annotations

from enum import StrEnum


class SourceSystem(StrEnum):
    metrology = "metrology"
    quality_inspection = "quality_inspection"
    fibre_inspection = "fibre_inspection"
    special_equipment = "special_equipment"
    org_code_registry = "org_code_registry"
    public_complaint = "public_complaint"
    media_report = "media_report"
    higher_authority_notice = "higher_authority_notice"
    enforcement_inspection = "enforcement_inspection"
    # Facts the portal derives itself by the credit rules (issue: rules on a clock).
    credit_rules = "credit_rules"


# The five internal systems by the names the public knows them ("the 计量系统"); the channels
# by their own names.
SOURCE_LABELS = {
    SourceSystem.metrology: "计量系统",
    SourceSystem.quality_inspection: "质检系统",
    SourceSystem.fibre_inspection: "纤检系统",
    SourceSystem.special_equipment: "特种设备系统",
    SourceSystem.org_code_registry: "组织机构代码系统",
    SourceSystem.public_complaint: "群众举报投诉",
    SourceSystem.media_report: "新闻媒体报道",
    SourceSystem.higher_authority_notice: "上级部门督查或通报",
    SourceSystem.enforcement_inspection: "执法检查",
    SourceSystem.credit_rules: "信用规则",
}

# Complaints and reports come through these four channels (the article's four kinds of source).
COMPLAINT_CHANNELS = (
    SourceSystem.public_complaint,
    SourceSystem.media_report,
    SourceSystem.higher_authority_notice,
    SourceSystem.enforcement_inspection,
)


class CreditList(StrEnum):
    """The public lists a designation puts an enterprise on."""

    exemplary = "exemplary"
    bad_records = "bad_records"
    blacklist = "blacklist"
    quality_safety_warning = "quality_safety_warning"


LIST_LABELS = {
    CreditList.exemplary: "质量诚信示范企业",
    CreditList.bad_records: "不良信息",
    CreditList.blacklist: "黑名单",
    CreditList.quality_safety_warning: "质量安全预警信息",
}


class Colour(StrEnum):
    green = "green"
    yellow = "yellow"
    red = "red"


COLOUR_LABELS = {Colour.green: "绿色", Colour.yellow: "黄色", Colour.red: "红色"}


class Severity(StrEnum):
    """How serious a designation is; sets how long it is shown and when it may be repaired
    (portal.rules.periods, settings `*_display_months`, `*_repair_months`)."""

    minor = "minor"
    moderate = "moderate"
    serious = "serious"


SEVERITY_LABELS = {Severity.minor: "轻微", Severity.moderate: "一般", Severity.serious: "严重"}
COLOUR_ORDER = {Colour.green: 0, Colour.yellow: 1, Colour.red: 2}


class SamplingResult(StrEnum):
    passed = "pass"
    failed = "fail"


SAMPLING_LABELS = {SamplingResult.passed: "合格", SamplingResult.failed: "不合格"}


class EquipmentKind(StrEnum):
    crane = "crane"
    boiler = "boiler"
    pressure_vessel = "pressure_vessel"
    pressure_piping = "pressure_piping"
    lift = "lift"
    forklift = "forklift"
    other = "other"


EQUIPMENT_LABELS = {
    EquipmentKind.crane: "起重机械(行车、行吊)",
    EquipmentKind.boiler: "锅炉",
    EquipmentKind.pressure_vessel: "压力容器",
    EquipmentKind.pressure_piping: "压力管道",
    EquipmentKind.lift: "电梯",
    EquipmentKind.forklift: "场(厂)内专用机动车辆",
    EquipmentKind.other: "其他特种设备",
}


class Scale(StrEnum):
    large = "large"
    medium = "medium"
    small = "small"
    micro = "micro"


SCALE_LABELS = {Scale.large: "大型", Scale.medium: "中型", Scale.small: "小型", Scale.micro: "微型"}

DISTRICTS = (
    "金台区", "渭滨区", "陈仓区", "凤翔区", "岐山县", "扶风县", "眉县",
    "陇县", "千阳县", "麟游县", "凤县", "太白县", "高新区",
)  # fmt: skip

# The article's eight pillar industries; "其他" for the rest.
INDUSTRIES = (
    "汽车及零部件",
    "机床工具",
    "电子仪器仪表",
    "石油装备",
    "有色金属(钛及钛合金)",
    "烟酒食品",
    "新型建材",
    "生物医药",
    "其他",
)


class ObjectionStatus(StrEnum):
    """Where a public objection (异议) stands; the bureau's staff move it on (`portal
    objection-status`)."""

    received = "received"
    under_review = "under_review"
    upheld = "upheld"
    rejected = "rejected"


OBJECTION_STATUS_LABELS = {
    ObjectionStatus.received: "已受理",
    ObjectionStatus.under_review: "审查中",
    ObjectionStatus.upheld: "异议成立",
    ObjectionStatus.rejected: "异议不成立",
}

# What each record kind of the ingest format (RECORD_TABLES) is called on the public site.
RECORD_KIND_LABELS = {
    "enterprise": "企业基本信息",
    "licence": "行政许可",
    "product": "产品",
    "special_equipment": "特种设备",
    "measuring_instrument": "计量器具",
    "operator": "特种设备作业人员",
    "sampling_inspection": "监督抽查",
    "rectification_notice": "责令整改通知书",
    "enforcement_case": "执法办案",
    "complaint": "质量投诉与举报",
    "designation": "公示名单",
    "correction": "整改纠正记录",
    "credit_repair": "信用修复",
}

# What the public site calls each state of an open item (一企一策, portal.rules.open_items), and
# the badge (colour) it gets.
STATE_LABELS = {
    "open": "待整改",
    "overdue": "逾期未整改",
    "refused": "拒不整改",
    "yellow": "黄色预警",
    "red": "红色预警",
    "pending_upgrade": "待升级",
    "repair_pending": "修复审核中",
    "repair_later": "尚未到可申请修复日期",
    "repair_eligible": "可申请修复",
}
STATE_BADGES = {
    "open": "yellow",
    "overdue": "red",
    "refused": "red",
    "yellow": "yellow",
    "red": "red",
    "pending_upgrade": "red",
    "repair_pending": "finding",
    "repair_later": "finding",
    "repair_eligible": "green",
}
