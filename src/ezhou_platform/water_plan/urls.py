from django.urls import path

from . import views

app_name = "water_plan"
urlpatterns = [
    path("", views.index, name="index"),
    path("board/", views.board, name="board"),
    path("units/", views.unit_list, name="unit_list"),
    path("units/<int:pk>/", views.unit_detail, name="unit_detail"),
    path("my/", views.my_plans, name="my_plans"),
    path("notices/<int:pk>/", views.notice_detail, name="notice"),
    path("notices/<int:pk>/pdf/", views.notice_pdf, name="notice_pdf"),
    path("export/plans/<int:year>.xlsx", views.export_plans, name="export_plans"),
    path("export/notices/<int:year>.xlsx", views.export_notices, name="export_notices"),
    path("export/credit.xlsx", views.export_credit, name="export_credit"),
]
