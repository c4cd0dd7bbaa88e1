"""The personal-data inventory (C25; PIPL 第五条、第六条、第十三条, 第三十四条): every model field that holds
personal information (PI) of a natural person, with its legal basis, purpose, owning department, retention and
sensitivity (PIPL 第二十八条: ID numbers, medical data, financial accounts and 特定身份 are 敏感).

`tests/platform/security/test_inventory.py` walks every concrete field of the project's models and fails on a
field that looks like PI (by name or Chinese label) but is neither listed here nor in `NOT_PI` (with the reason
it is not a natural person's data), and on an entry naming a field that does not exist. Adding a PI field to a
model therefore means adding its row here first.

The retention rules (`RETENTION`) are dated configuration: each rule states since when it applies and where the
period comes from (docs/interpretations.md P1–P4). `security.retention` applies them; a rule changes by a new
entry with a later `since`, never by editing a past one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

GENERAL = "一般"
SENSITIVE = "敏感"

# Legal bases, cited once (gazette documents of 鄂州市人民政府公报2022年第6号, and the national laws the
# platform's duties rest on where the gazette is silent).
RENTAL_13 = "鄂州政发〔2022〕19号 第十三条、第十四条"
RENTAL_17 = "鄂州政发〔2022〕19号 第十七条"
RENTAL_27 = "鄂州政发〔2022〕19号 第二十七条"
RENTAL_18 = "鄂州政发〔2022〕19号 第十八条、第二十条"
MEDICAL_4 = "鄂州政办发〔2022〕34号 第四条"
MEDICAL_11 = "鄂州政办发〔2022〕34号 第十一条、第十八条"
MEDICAL_14 = "鄂州政办发〔2022〕34号 第十四条"
MEDICAL_15 = "鄂州政办发〔2022〕34号 第十五条"
SUBSIDY_12 = "鄂州政办发〔2022〕32号 十二"
SUBSIDY_1_3 = "鄂州政办发〔2022〕32号 一、二、三"
WATER_6 = "鄂州政办发〔2022〕15号 第五条、第六条"
LICENSING = "鄂州政办发〔2022〕27号"
SUPERVISION = "鄂州政发〔2022〕15号 附件1"
ACCOUNTS = "个人信息保护法 第十三条第一款第（三）项；网络安全法 第二十四条"
AUDIT_LOG = "网络安全法 第二十一条第（三）项；个人信息保护法 第五十五条、第五十六条"


@dataclass(frozen=True)
class Retention:
    """How long a field is kept: `years` after `counts_from` (Chinese: the event), then the action."""

    years: int
    counts_from: str
    action: str = "匿名化"  # 匿名化 | 删除 | 不清理（依法长期保存）
    rule: str = ""  # the key in RETENTION that the job applies, if any

    def __str__(self) -> str:
        if self.years <= 0:
            return f"{self.counts_from}（{self.action}）"
        return f"{self.counts_from}起{self.years}年后{self.action}"


@dataclass(frozen=True)
class PIField:
    field: str  # "app_label.Model.field"
    basis: str
    purpose: str
    department: str  # common.Department.code
    retention: Retention
    sensitivity: str = GENERAL


@dataclass(frozen=True)
class RetentionRule:
    """A retention period as dated configuration, applied by `security.retention` (C27)."""

    key: str
    label: str
    years: int
    counts_from: str
    since: dt.date
    source: str  # docs/interpretations.md entry and the law it rests on


RETENTION: dict[str, RetentionRule] = {
    r.key: r
    for r in (
        RetentionRule(
            "rental.rejected",
            "保障性租赁住房：审核未通过、公示异议成立的申请",
            3,
            "审核决定（或异议处理）之日",
            dt.date(2022, 6, 1),
            "docs/interpretations.md P1（个人信息保护法 第十九条、第四十七条；行政诉讼法 第四十六条）",
        ),
        RetentionRule(
            "rental.withdrawn",
            "保障性租赁住房：已放弃的申请与已关闭的轮候",
            3,
            "放弃或退出轮候之日",
            dt.date(2022, 6, 1),
            "docs/interpretations.md P2（个人信息保护法 第十九条、第四十七条）",
        ),
        RetentionRule(
            "medical.claims",
            "医疗救助：结算单与参保人员的身份信息",
            5,
            "结算年度终了（次年1月1日）",
            dt.date(2022, 6, 1),
            "docs/interpretations.md P3（行政处罚法 第三十六条；个人信息保护法 第十九条）",
        ),
    )
}

KEEP_WITH_RECORD = Retention(0, "随业务记录保存，业务记录依档案管理规定保存", "不清理（依法长期保存）")
ACCOUNT_LIFE = Retention(0, "账户存续期间；停用的账户由安全管理员删除", "删除")
RENTAL_APP = Retention(3, "审核决定、放弃或退出轮候之日", "匿名化", "rental.rejected")
RENTAL_TENANCY = Retention(0, "租赁合同终止后随合同档案保存", "不清理（依法长期保存）")
# Not yet applied by the job: the relationship is kept with the applications filed under it (docs/security.md C27).
AGENCY = Retention(0, "委托关系随据此提交的申请保存；到期清理尚未处理", "不清理（待定）")
MEDICAL_PERSON = Retention(5, "最后一次结算年度终了", "匿名化", "medical.claims")
SUBSIDY_APP = Retention(0, "随奖补资金兑付凭证保存（会计档案）", "不清理（依法长期保存）")
AUDIT = Retention(0, "至少3年（SECURITY.md C14），审计链不删除", "不清理（依法长期保存）")


def _rows() -> tuple[PIField, ...]:
    rows: list[PIField] = []

    def add(fields: str, basis: str, purpose: str, dept: str, ret: Retention, sens: str = GENERAL) -> None:
        for f in fields.split():
            rows.append(PIField(f, basis, purpose, dept, ret, sens))

    # -- 医疗救助（医疗保障局）
    ms = "medical_security"
    add(
        "medical_assistance.Person.resident_id",
        MEDICAL_4,
        "识别救助对象，与民政、乡村振兴部门身份信息比对",
        ms,
        MEDICAL_PERSON,
        SENSITIVE,
    )
    add("medical_assistance.Person.name", MEDICAL_4, "识别救助对象", ms, MEDICAL_PERSON)
    add(
        "medical_assistance.Identity.person medical_assistance.Identity.kind medical_assistance.Identity.evidence "
        "medical_assistance.CivilAffairsIdentity.person medical_assistance.CivilAffairsIdentity.kind "
        "medical_assistance.CivilAffairsIdentity.evidence medical_assistance.RuralIdentity.person "
        "medical_assistance.RuralIdentity.kind medical_assistance.RuralIdentity.evidence",
        MEDICAL_4,
        "确定救助对象类别（特困、低保、返贫致贫等特定身份）",
        ms,
        KEEP_WITH_RECORD,
        SENSITIVE,
    )
    add(
        "medical_assistance.Application.person medical_assistance.Application.note",
        MEDICAL_15,
        "依申请医疗救助的受理和审核",
        ms,
        KEEP_WITH_RECORD,
        SENSITIVE,
    )
    add(
        "medical_assistance.Class4Recognition.person medical_assistance.Class4Recognition.self_pay_12m "
        "medical_assistance.Class4Recognition.self_pay_evidence medical_assistance.Class4Recognition.income_year "
        "medical_assistance.Class4Recognition.property_check_reason",
        "鄂州政办发〔2022〕34号 第四条第六款、第七款",
        "因病致贫重病患者认定（自负医疗费用、家庭收入和财产）",
        ms,
        KEEP_WITH_RECORD,
        SENSITIVE,
    )
    add(
        "medical_assistance.Claim.person medical_assistance.Claim.kind medical_assistance.Claim.hospital_name "
        "medical_assistance.Claim.pending_reason",
        MEDICAL_11,
        "计算和支付医疗救助，出具医疗救助结算单",
        ms,
        MEDICAL_PERSON,
        SENSITIVE,
    )
    add(
        "medical_assistance.Settlement.person medical_assistance.Settlement.person_class "
        "medical_assistance.Recovery.person medical_assistance.YearAccount.person",
        MEDICAL_11,
        "医疗救助结算、年度限额累计和追回（金额保留用于统计）",
        ms,
        MEDICAL_PERSON,
        SENSITIVE,
    )
    add(
        "medical_assistance.WarningEntry.person",
        MEDICAL_14,
        "高额医疗费用支出预警",
        ms,
        MEDICAL_PERSON,
        SENSITIVE,
    )

    # -- 保障性租赁住房（住房和城乡建设局）
    hs = "housing"
    add(
        "rental_housing.AccountIdentity.user rental_housing.AccountIdentity.name",
        RENTAL_13,
        "网上申请时核验申请人本人身份",
        hs,
        ACCOUNT_LIFE,
    )
    add(
        "rental_housing.AccountIdentity.id_number",
        RENTAL_13,
        "网上申请时核验申请人本人身份",
        hs,
        ACCOUNT_LIFE,
        SENSITIVE,
    )
    add(
        "rental_housing.AgentRelationship.agent rental_housing.AgentRelationship.principal_name "
        "rental_housing.AgentRelationship.evidence",
        RENTAL_13,
        "代理申请时核验委托关系",
        hs,
        AGENCY,
    )
    add(
        "rental_housing.AgentRelationship.principal_id_number",
        RENTAL_13,
        "代理申请时核验委托关系",
        hs,
        AGENCY,
        SENSITIVE,
    )
    add(
        "rental_housing.Application.applicant rental_housing.Application.name rental_housing.Application.phone "
        "rental_housing.Application.birth_date rental_housing.Application.has_spouse "
        "rental_housing.Application.minor_children rental_housing.Application.homes "
        "rental_housing.Application.work_unit rental_housing.Application.material_identity "
        "rental_housing.Application.eligibility_trace",
        RENTAL_13,
        "审核承租资格、公示、联系申请人",
        hs,
        RENTAL_APP,
    )
    add(
        "rental_housing.Application.id_number",
        RENTAL_13,
        "审核承租资格（身份、年龄、住房状况核查）",
        hs,
        RENTAL_APP,
        SENSITIVE,
    )
    add(
        "rental_housing.Allocation.id_number",
        RENTAL_17,
        "选房时确认承租人身份",
        hs,
        RENTAL_TENANCY,
        SENSITIVE,
    )
    add("rental_housing.RentToOwnRequest.applicant", RENTAL_18, "先租后售申请", hs, RENTAL_TENANCY)
    add(
        "rental_housing.Complaint.complainant rental_housing.Complaint.phone rental_housing.Complaint.submitted_by",
        RENTAL_27,
        "受理投诉举报并答复",
        hs,
        KEEP_WITH_RECORD,
    )

    # -- 汽车以旧换新等奖补（商务局）
    cm = "commerce"
    add(
        "subsidies.Application.applicant_user subsidies.Application.subject_name subsidies.Application.payee_name "
        "subsidies.Application.payee_bank subsidies.Application.facts",
        SUBSIDY_12,
        "审核奖补资格、公示、兑付奖补资金",
        cm,
        SUBSIDY_APP,
    )
    add(
        "subsidies.Application.subject subsidies.Application.payee_account subsidies.ApplicationDocument.data",
        SUBSIDY_12,
        "核验享受主体身份和旧车、新车材料，向本人账户兑付",
        cm,
        SUBSIDY_APP,
        SENSITIVE,
    )
    # The imported tables (ReferenceRow): a natural person appears only in the banks' loan reports, which the
    # 财政局 imports (subsidies.jobs.IMPORT_DEPARTMENT) to check 一至三's interest subsidies and pay the
    # borrower's account; the other three lists name enterprises and dealers.
    add(
        "subsidies.ReferenceRow.subject subsidies.ReferenceRow.name subsidies.ReferenceRow.data",
        SUBSIDY_1_3,
        "以银行报送的贷款数据核验贷款贴息申请，向借款人收款账户兑付",
        "finance",
        SUBSIDY_APP,
        SENSITIVE,
    )
    # The ledger's keys name their subject by a keyed token (C20, subsidies.models.ledger.subject_token):
    # pseudonymous — the same person gets the same token, nobody without the index key can tell whose it is.
    add(
        "subsidies.LedgerKey.key subsidies.CapUsage.key",
        SUBSIDY_12,
        "防止同一主体重复享受、按主体和年度累计奖励上限（主体以keyed令牌表示，不能还原为号码）",
        cm,
        SUBSIDY_APP,
    )

    # -- enterprises' contact persons
    add(
        "water_plan.WaterUnit.contact_name water_plan.WaterUnit.contact_phone",
        WATER_6,
        "联系用水单位（计划下达、加价通知送达）",
        "water",
        KEEP_WITH_RECORD,
    )
    add(
        "licensing.Application.applicant_user",
        LICENSING,
        "涉企经营许可申请的提交账户",
        "administrative_approval",
        KEEP_WITH_RECORD,
    )
    add(
        "licensing.Inspector.name",
        LICENSING,
        "告知承诺核查的执法人员（双随机抽取）",
        "market_regulation",
        KEEP_WITH_RECORD,
    )
    add(
        "supervision.Member.name",
        SUPERVISION,
        "公开印发的领导小组成员名单",
        "supervision_office",
        KEEP_WITH_RECORD,
    )

    # -- the platform itself: accounts, cases, issued documents, the audit trail
    pf = "administrative_approval"
    add(
        "common.User.username common.User.first_name common.User.last_name common.User.email "
        "common.User.display_name",
        ACCOUNTS,
        "登录、实名和操作留痕",
        pf,
        ACCOUNT_LIFE,
    )
    add(
        "medical_assistance.Claim.slip",
        MEDICAL_11,
        "出具的医疗救助结算单（文书）",
        ms,
        KEEP_WITH_RECORD,
        SENSITIVE,
    )
    add(
        "procedures.Case.applicant_user procedures.Document.recipient",
        ACCOUNTS,
        "办理事项的申请人和文书的送达对象",
        pf,
        KEEP_WITH_RECORD,
    )
    # -- 个人信息查阅与更正（各部门）: the request names the person's account and may carry the corrected value
    add(
        "mydata.CorrectionRequest.requester mydata.CorrectionRequest.requested_value "
        "mydata.CorrectionRequest.reason",
        "个人信息保护法 第四十六条（更正、补充）",
        "处理个人信息更正、补充申请",
        pf,
        KEEP_WITH_RECORD,
    )
    add(
        "audit.AuditRecord.actor_username audit.AuditRecord.actor_name audit.AuditRecord.remote_addr",
        AUDIT_LOG,
        "安全审计（谁在何时从何处做了什么）",
        pf,
        AUDIT,
    )
    # The keyed blind indexes of the encrypted ID numbers (C20, common.fields.BlindIndexField): pseudonymous
    # data that finds a row by the whole number and cannot be turned back into it; they follow their field.
    for r in list(rows):
        if r.field in BLIND_INDEXED:
            rows.append(
                PIField(
                    r.field + "_bidx",
                    r.basis,
                    r.purpose + "（按完整号码检索的keyed索引，不能还原为号码）",
                    r.department,
                    r.retention,
                    r.sensitivity,
                )
            )
    return tuple(rows)


BLIND_INDEXED = frozenset(
    {
        "medical_assistance.Person.resident_id",
        "rental_housing.Application.id_number",
        "rental_housing.Allocation.id_number",
        "rental_housing.AccountIdentity.id_number",
        "rental_housing.AgentRelationship.principal_id_number",
        "subsidies.Application.subject",
        "subsidies.ReferenceRow.subject",
    }
)


INVENTORY: tuple[PIField, ...] = _rows()
BY_FIELD: dict[str, PIField] = {r.field: r for r in INVENTORY}

# Fields whose name or label looks like PI but which hold no natural person's data; each says why.
NOT_PI: dict[str, str] = {
    "common.Jurisdiction.name": "行政区划名称",
    "common.Organisation.name": "单位名称",
    "common.Department.name": "部门名称",
    "common.User.enterprise_name": "企业名称（法人信息）",
    "common.CalendarDay.name": "节假日名称",
    "common.ConfiguredValue.name": "参数名称",
    "security.StoredUpload.original_name": "上传文件名（文件内容按业务记录登记）",
    "security.StoredUpload.stored_name": "随机存储名",
    "jobs.JobRun.name": "作业名称",
    "jobs.JobRun.input_name": "上传文件名",
    "jobs.JobRun.result_name": "结果文件名",
    "medical_assistance.WarningRun.rural_income": "全市农村居民人均可支配收入（统计数据）",
    "medical_assistance.FundBudget.person_class": "按救助类别编列的预算（非个人）",
    "medical_assistance.FundContribution.persons": "资助参保人数（统计数）",
    "water_plan.WaterUnit.name": "用水单位名称（法人信息）",
    "water_plan.MeterReading.account": "用水户号（单位）",
    "water_plan.EvidenceFile.original_name": "上传文件名",
    "unconventional_water.Project.name": "建设项目名称",
    "unconventional_water.Project.location": "建设项目地址（非住址）",
    "unconventional_water.Facility.name": "设施名称",
    "unconventional_water.IndicatorEntry.name": "指标名称",
    "rental_housing.Operator.name": "运营单位名称（法人信息）",
    "rental_housing.Operator.phone": "运营单位对外联系电话（法人信息）",
    "rental_housing.Project.name": "项目名称",
    "rental_housing.Project.owner_name": "产权单位名称（法人信息）",
    "subsidies.ApplicationDocument.original_name": "上传文件名（文件内容见 data）",
    "subsidies.Deferral.unit_name": "参保单位名称（法人信息）",
    "subsidies.BudgetEntry.account": "预算科目",
    "supervision.Plan.leadership_name": "领导机构名称",
    "supervision.Plan.members_printed": "是否列明成员单位",
    "supervision.LoadRun.membership": "成员单位比对结果",
    "supervision.Site.name": "寄递物流站点名称",
    "supervision.Site.address": "站点地址（经营场所，非住址）",
    "supervision.Report.original_name": "上传文件名",
    "supervision.Recognition.name": "认定对象（学校、专业、基地）名称",
    "licensing.Application.applicant_name": "申请企业名称（法人信息）",
    "licensing.MaterialItem.name": "材料名称",
    "licensing.MaterialSubmission.file_name": "上传文件名",
    "licensing.Licence.holder_name": "持证企业名称（法人信息）",
    "licensing.CreditRecord.subject_name": "信用主体（企业）名称",
    "licensing.DrawSelection.holder_name": "抽取的企业名称",
}


def classification(field: str) -> str:
    """The classification label of a model field (C09), "app_label.Model.field": 敏感个人信息 or 个人信息 as
    the inventory lists it (PIPL 第二十八条), otherwise 非个人信息 — business data of units, departments and
    the platform. The inventory is the one place a field's class is written; this reads it."""
    row = BY_FIELD.get(field)
    if row is None:
        return "非个人信息"
    return "敏感个人信息" if row.sensitivity == SENSITIVE else "个人信息"


def department_names() -> dict[str, str]:
    from ezhou_platform.common.models import Department

    return dict(Department.objects.values_list("code", "name"))
