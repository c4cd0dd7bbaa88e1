from django.urls import path

from .views import clerk, exports, facilities, projects, public, standards

app_name = "unconventional_water"
urlpatterns = [
    # everyone
    path("", public.index, name="index"),
    path("facilities/public/", public.facilities, name="public_facilities"),
    path("screening/", public.screening, name="screening"),
    path("standards/", public.standards, name="standards"),
    path("standards/view/<path:code>/", public.standard_detail, name="standard"),
    # developers (and clerks entering paper filings)
    path("my/projects/", projects.my_projects, name="my_projects"),
    path("projects/new/", projects.project_new, name="project_new"),
    path("projects/<int:pk>/", projects.project_detail, name="project"),
    path("projects/<int:pk>/<str:which>/", projects.project_step, name="project_step"),
    # operators (and clerks entering paper reports)
    path("my/facilities/", facilities.my_facilities, name="my_facilities"),
    path("facilities/<int:pk>/", facilities.facility_detail, name="facility"),
    path("facilities/<int:pk>/reports/new/", facilities.report_new, name="report_new"),
    path("facilities/<int:pk>/usage/new/", facilities.usage_new, name="usage_new"),
    path("facilities/<int:pk>/stops/new/", facilities.stop_new, name="stop_new"),
    path("reports/<int:pk>/", facilities.report_detail, name="report"),
    path("stops/<int:pk>/", facilities.stop_detail, name="stop"),
    # the department
    path("clerk/", clerk.clerk_home, name="clerk_home"),
    path("clerk/projects/", projects.project_list, name="project_list"),
    path("clerk/facilities/", facilities.facility_list, name="facility_list"),
    path("clerk/facilities/new/", facilities.facility_new, name="facility_new"),
    path("facilities/<int:pk>/inspect/", facilities.inspect, name="inspect"),
    path("facilities/<int:pk>/unreported-stop/", facilities.unreported_stop, name="unreported_stop"),
    path("facilities/<int:pk>/action/<str:action>/", facilities.facility_action, name="facility_action"),
    path("sources/<int:pk>/review/", facilities.source_review, name="source_review"),
    path("clerk/reports/", clerk.report_list, name="report_list"),
    path("clerk/reports/template.csv", clerk.import_template, name="import_template"),
    path("clerk/jobs/<str:name>/", clerk.start_job, name="start_job"),
    path("clerk/stops/", facilities.stop_list, name="stop_list"),
    path("clerk/reminders/", clerk.reminders, name="reminders"),
    path("clerk/violations/", clerk.violation_list, name="violation_list"),
    path("clerk/violations/new/", clerk.violation_new, name="violation_new"),
    path("violations/<int:pk>/", clerk.violation_detail, name="violation"),
    path("violations/<int:pk>/<str:action>/", clerk.violation_action, name="violation_action"),
    path("clerk/links/", clerk.links, name="links"),
    path("links/<int:pk>/", clerk.link_detail, name="link"),
    path("links/<int:pk>/decide/", clerk.link_action, name="link_action"),
    path("clerk/findings/new/", clerk.finding_new, name="finding_new"),
    path("export/<str:what>.xlsx", exports.export, name="export"),
    # administrators
    path("standards/new/", standards.standard_new, name="standard_new"),
    path("standards/<int:pk>/withdraw/", standards.standard_withdraw, name="standard_withdraw"),
    path("standards/indicators/new/", standards.indicator_new, name="indicator_new"),
    path("clerk/configuration/", standards.configuration, name="configuration"),
]
