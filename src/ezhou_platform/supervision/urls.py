from django.urls import path

from .views import delivery, leadership, plans, reports, vocational

app_name = "supervision"
urlpatterns = [
    path("", plans.index, name="index"),
    path("my/", plans.my_board, name="my_board"),
    path("units/<int:org_id>/", plans.unit_board, name="unit"),
    # the home page's cards
    path("vocational-education/", plans.vocational_education, name="vocational_education"),
    path("rural-delivery/", plans.rural_delivery, name="rural_delivery"),
    path("plans/<slug:slug>/", plans.plan, name="plan"),
    path("plans/<slug:slug>/load/", plans.load, name="load"),
    path("plans/<slug:slug>/consistency/", plans.consistency, name="consistency"),
    path("plans/<slug:slug>/switch/", plans.switch, name="switch"),
    path("plans/<slug:slug>/leadership/", leadership.leadership, name="leadership"),
    path("leadership/", leadership.leadership_index, name="leadership_index"),
    path("items/<int:pk>/", plans.item, name="item"),
    path("items/<int:item_id>/report/", reports.file_report, name="file_report"),
    path("reports/", reports.report_list, name="reports"),
    path("reports/<int:pk>/", reports.report_detail, name="report"),
    path("reports/<int:pk>/attachment/", reports.attachment, name="attachment"),
    # 鄂州政发〔2022〕15号
    path("vocational-education/targets/", vocational.targets_page, name="targets"),
    path("vocational-education/progression/", vocational.progression, name="progression"),
    path("vocational-education/funding/", vocational.funding, name="funding"),
    # 鄂州政办发〔2022〕28号
    path("rural-delivery/sites/", delivery.sites, name="sites"),
    path("rural-delivery/sites/new/", delivery.site_new, name="site_new"),
    path("rural-delivery/sites/<int:pk>/", delivery.site_detail, name="site"),
    path("rural-delivery/coverage/", delivery.coverage, name="coverage"),
    path("rural-delivery/dispersed/", delivery.dispersed, name="dispersed"),
]
