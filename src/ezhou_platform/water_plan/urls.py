from django.urls import path

from . import views

app_name = "water_plan"
urlpatterns = [
    path("", views.index, name="index"),
    path("board/", views.board, name="board"),
    path("units/", views.unit_list, name="unit_list"),
    path("units/<int:pk>/", views.unit_detail, name="unit_detail"),
    path("adjustments/<int:pk>/decide/", views.decide_adjustment, name="decide_adjustment"),
    path("supplements/<int:pk>/decide/", views.decide_supplement, name="decide_supplement"),
    path("appeals/<int:pk>/decide/", views.decide_appeal, name="decide_appeal"),
    path("notices/<int:pk>/action/", views.notice_action, name="notice_action"),
    path("my/units/<int:pk>/evidence/", views.upload_evidence, name="upload_evidence"),
    path("my/plans/<int:pk>/supplements/other/", views.file_other_supplement, name="file_other_supplement"),
    path(
        "my/supplements/<int:pk>/construction-reports/", views.report_construction, name="report_construction"
    ),
    path("changes/<int:pk>/", views.change_notice, name="change_notice"),
    path("changes/<int:pk>/pdf/", views.change_notice_pdf, name="change_notice_pdf"),
    path("my/", views.my_plans, name="my_plans"),
    path("notices/<int:pk>/", views.notice_detail, name="notice"),
    path("notices/<int:pk>/pdf/", views.notice_pdf, name="notice_pdf"),
    path("export/plans/<int:year>.xlsx", views.export_plans, name="export_plans"),
    path("export/notices/<int:year>.xlsx", views.export_notices, name="export_notices"),
    path("export/credit.xlsx", views.export_credit, name="export_credit"),
]
