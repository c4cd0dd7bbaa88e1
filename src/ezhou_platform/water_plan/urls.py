from django.urls import path

from . import views

app_name = "water_plan"
urlpatterns = [
    path("", views.index, name="index"),
    # the department
    path("board/", views.board, name="board"),
    path("jobs/", views.jobs_page, name="jobs"),
    path("units/", views.unit_list, name="unit_list"),
    path("units/<int:pk>/", views.unit_detail, name="unit_detail"),
    path(
        "units/<int:pk>/coefficient-events/", views.record_coefficient_event, name="record_coefficient_event"
    ),
    path("export/plans/<int:year>.xlsx", views.export_plans, name="export_plans"),
    path("export/notices/<int:year>.xlsx", views.export_notices, name="export_notices"),
    path("export/credit.xlsx", views.export_credit, name="export_credit"),
    # each case: its page (unit and clerk) and the clerks' steps
    path("plan-requests/<int:pk>/", views.plan_request_page, name="plan_request"),
    path("coefficient-cases/<int:pk>/", views.coefficient_case_page, name="coefficient_case"),
    path("coefficient-cases/<int:pk>/decide/", views.decide_coefficient, name="decide_coefficient"),
    path("adjustments/<int:pk>/", views.adjustment_page, name="adjustment"),
    path("adjustments/<int:pk>/decide/", views.decide_adjustment, name="decide_adjustment"),
    path("supplements/<int:pk>/", views.supplement_page, name="supplement"),
    path("supplements/<int:pk>/decide/", views.decide_supplement, name="decide_supplement"),
    path("appeals/<int:pk>/", views.appeal_page, name="appeal"),
    path("appeals/<int:pk>/decide/", views.decide_appeal, name="decide_appeal"),
    path("notices/<int:pk>/", views.notice_detail, name="notice"),
    path("notices/<int:pk>/pdf/", views.notice_pdf, name="notice_pdf"),
    path("notices/<int:pk>/action/", views.notice_action, name="notice_action"),
    path("changes/<int:pk>/", views.change_notice, name="change_notice"),
    path("changes/<int:pk>/pdf/", views.change_notice_pdf, name="change_notice_pdf"),
    # the unit's own pages
    path("my/", views.my_plans, name="my_plans"),
    path("my/adjustments/new/", views.file_adjustment, name="file_adjustment"),
    path("my/supplements/new/", views.file_supplement, name="file_supplement"),
    path("my/plan-requests/new/", views.file_plan_request, name="file_plan_request"),
    path("my/notices/<int:pk>/acknowledge/", views.acknowledge, name="acknowledge"),
    path("my/notices/<int:pk>/appeal/", views.file_appeal, name="file_appeal"),
    path("my/units/<int:pk>/evidence/", views.upload_evidence, name="upload_evidence"),
    path("my/plans/<int:pk>/supplements/other/", views.file_other_supplement, name="file_other_supplement"),
    path(
        "my/supplements/<int:pk>/construction-reports/", views.report_construction, name="report_construction"
    ),
]
