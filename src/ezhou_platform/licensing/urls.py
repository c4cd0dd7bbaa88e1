from django.urls import path

from .views import cases, config, credit, draws, oversight, portal, public, staff

app_name = "licensing"
urlpatterns = [
    # the public
    path("", public.index, name="index"),
    path("items/<str:code>/", public.item_detail, name="item"),
    path("items/<str:code>/template/", public.template_text, name="template"),
    path("catalogue/report/", public.report, name="report"),
    path("check/", public.check, name="check"),
    path("credit/", public.credit_public, name="credit_public"),
    path("draws/", draws.draws_public, name="draws_public"),
    path("draws/<int:pk>/", draws.draw_detail, name="draw"),
    path("draws/<int:pk>/package/", draws.draw_package, name="draw_package"),
    # enterprises
    path("apply/", portal.apply, name="apply"),
    path("apply/<str:code>/", portal.apply_item, name="apply_item"),
    path("my/", portal.my_cases, name="my_cases"),
    # a case (enterprise and staff)
    path("cases/<int:pk>/", cases.case, name="case"),
    path("cases/<int:pk>/act/", cases.act, name="act"),
    path("cases/<int:pk>/materials/<int:sub>/", cases.material_file, name="material_file"),
    # window clerks and supervisors
    path("staff/", staff.cases, name="staff_cases"),
    path("staff/export/", staff.cases_export, name="staff_cases_export"),
    path("staff/queue/", staff.staff_queue, name="staff_queue"),
    path("staff/verification/", staff.verification, name="verification"),
    path("staff/sweep/", staff.sweep, name="sweep"),
    path("staff/draws/", draws.draws_staff, name="draws_staff"),
    path("staff/draws/<int:pk>/act/", draws.draw_act, name="draw_act"),
    # the credit office
    path("credit-office/", credit.office, name="credit_office"),
    path("credit-office/records/<int:pk>/", credit.record_detail, name="credit_record"),
    path("credit-office/export/", credit.export, name="credit_export"),
    # oversight and configuration
    path("oversight/", oversight.page, name="oversight"),
    path("oversight/export/", oversight.export, name="oversight_export"),
    path("config/", config.page, name="config"),
]
