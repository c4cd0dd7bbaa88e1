"""Department scopes of the views and endpoints that admit staff of more than one department (SECURITY.md C08).

A view for clerks or department heads states its scope where it is declared: the one department owning its
records (`view_requires(..., department="water")`) or one of the scopes below, each saying how the rows are
limited and where. This file is the one place a reviewer reads to see every such exception; the walk in
tests/platform/test_department_scope.py fails on a view or endpoint that admits staff and states neither.
"""

from __future__ import annotations

from .permissions import RowScope

ACCOUNT = RowScope(
    "account",
    "本人的账户设置（密码、第二因素）：只涉及登录者本人的账户。",
)
UPLOADS = RowScope(
    "uploads",
    "上传文件下载：上传者本人，及该文件用途规定的读者（security.uploads.may_download），其他人404。",
)
RENTAL_RECORD_LINKS = RowScope(
    "rental_records",
    "保障性租赁住房记录链接：工作人员按其可见范围（rental_housing.selectors.applications_for 等）跳转，否则404。",
)
SUBSIDIES = RowScope(
    "subsidies",
    "惠企政策18条措施分由商务局、财政局、交通运输局、人民银行和各区办理（鄂州政办发〔2022〕32号）：申请按措施的"
    "承办部门限定，财政局见其支付的奖补（subsidies.views.common.applications_for）；办理步骤由程序层按承办部门校验。",
)
SUPERVISION = RowScope(
    "supervision",
    "任务督办（鄂州政办发〔2022〕15号、28号）的任务分属各责任单位：各部门读督办事项，写入按事项的责任单位或督办部门"
    "校验（supervision.views.common.require_plan_department 与程序层）。",
)
LICENSING = RowScope(
    "licensing",
    "证照分离改革（鄂州政办发〔2022〕27号）由行政审批局与各审批部门办理：案件、核查与抽查按承办部门限定"
    "（licensing.views.common.staff_departments），办理步骤由程序层按承办部门校验。",
)
WORKSPACE = RowScope(
    "workspace",
    "工作台与办理文书：案件按承办部门、申请人本人限定（procedures.views、procedures.engine）。",
)
JOBS = RowScope(
    "jobs",
    "后台作业：工作人员见本部门的和本人启动的作业，其他人只见本人启动的，审计员与系统管理员见全部（jobs.runner.visible_runs）。",
)
CALENDAR = RowScope(
    "calendar",
    "工作日历：各部门共用的法定节假日与调休数据及期限重算记录，只读。",
)
REGISTERS = RowScope(
    "registers",
    "行政区划与单位登记簿：各部门共用的基础数据。",
)

CORRECTIONS = RowScope(
    "mydata_corrections",
    "个人信息更正申请：各部门只见并处理交由本部门的申请（mydata.views，按 CorrectionRequest.department 限定）。",
)

ALL = (
    ACCOUNT,
    UPLOADS,
    RENTAL_RECORD_LINKS,
    SUBSIDIES,
    SUPERVISION,
    LICENSING,
    WORKSPACE,
    JOBS,
    CALENDAR,
    REGISTERS,
    CORRECTIONS,
)
