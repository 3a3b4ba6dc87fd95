"""The GraphQL enums. Their values are the glossary's code names in upper case; each enum's
Python values are the strings of `portal.domain`, so `Colour("red")` maps a stored value and
`.value` maps back (tests check that the two stay in step).
"""

from __future__ import annotations

from enum import Enum

import strawberry


@strawberry.enum(description="预警颜色:绿色正常,黄色临近到期,红色已超期")
class Colour(Enum):
    GREEN = "green"
    YELLOW = "yellow"
    RED = "red"


@strawberry.enum(description="公示名单")
class CreditList(Enum):
    EXEMPLARY = "exemplary"  # 质量诚信示范企业(红名单)
    BAD_RECORDS = "bad_records"  # 不良信息
    BLACKLIST = "blacklist"  # 黑名单
    QUALITY_SAFETY_WARNING = "quality_safety_warning"  # 质量安全预警信息


@strawberry.enum(description="数据来源系统")
class SourceSystem(Enum):
    METROLOGY = "metrology"  # 计量
    QUALITY_INSPECTION = "quality_inspection"  # 质检
    FIBRE_INSPECTION = "fibre_inspection"  # 纤检
    SPECIAL_EQUIPMENT = "special_equipment"  # 特种设备
    ORG_CODE_REGISTRY = "org_code_registry"  # 代码
    PUBLIC_COMPLAINT = "public_complaint"  # 群众举报投诉
    MEDIA_REPORT = "media_report"  # 新闻媒体报道
    HIGHER_AUTHORITY_NOTICE = "higher_authority_notice"  # 上级部门督查或通报
    ENFORCEMENT_INSPECTION = "enforcement_inspection"  # 执法检查
    CREDIT_RULES = "credit_rules"  # 信用规则(本平台按规则生成)


@strawberry.enum(description="投诉举报渠道")
class ComplaintChannel(Enum):
    PUBLIC_COMPLAINT = "public_complaint"  # 群众举报投诉
    MEDIA_REPORT = "media_report"  # 新闻媒体报道
    HIGHER_AUTHORITY_NOTICE = "higher_authority_notice"  # 上级部门督查或通报
    ENFORCEMENT_INSPECTION = "enforcement_inspection"  # 执法检查


@strawberry.enum(description="监督抽查结论")
class SamplingResult(Enum):
    PASS = "pass"  # 合格
    FAIL = "fail"  # 不合格


@strawberry.enum(description="异议处理状态")
class ObjectionStatus(Enum):
    RECEIVED = "received"  # 已受理
    UNDER_REVIEW = "under_review"  # 审查中
    UPHELD = "upheld"  # 异议成立
    REJECTED = "rejected"  # 异议不成立


@strawberry.enum(description="信息类别(记录种类),与导入格式的 kind 相同")
class RecordKind(Enum):
    ENTERPRISE = "enterprise"  # 企业基本信息
    LICENCE = "licence"  # 行政许可
    PRODUCT = "product"  # 产品
    SPECIAL_EQUIPMENT = "special_equipment"  # 特种设备
    MEASURING_INSTRUMENT = "measuring_instrument"  # 计量器具
    OPERATOR = "operator"  # 特种设备作业人员
    SAMPLING_INSPECTION = "sampling_inspection"  # 监督抽查
    RECTIFICATION_NOTICE = "rectification_notice"  # 责令整改通知书
    ENFORCEMENT_CASE = "enforcement_case"  # 执法办案
    COMPLAINT = "complaint"  # 质量投诉与举报
    DESIGNATION = "designation"  # 公示名单
    CORRECTION = "correction"  # 整改纠正记录
    CREDIT_REPAIR = "credit_repair"  # 信用修复
