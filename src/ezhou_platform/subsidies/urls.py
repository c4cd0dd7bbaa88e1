from django.urls import path

from .views import applicant, batches, cases, data, progress, public

app_name = "subsidies"
urlpatterns = [
    # public
    path("", public.index, name="index"),
    path("measures/<int:number>/", public.measure, name="measure"),
    path("self-check/", public.self_check_pick, name="self_check_pick"),
    path("self-check/<str:code>/", public.self_check, name="self_check"),
    path("notices/", public.notice_list, name="notices"),
    path("notices/<int:pk>/", public.notice_detail, name="notice"),
    # applicants
    path("apply/", applicant.apply_pick, name="apply"),
    path("apply/<str:code>/", applicant.apply_form, name="apply_form"),
    path("my/", applicant.my_applications, name="my"),
    path("applications/<int:pk>/withdraw/", applicant.withdraw, name="withdraw"),
    # reviewers and deciders
    path("applications/", cases.application_list, name="applications"),
    path("applications/export/", cases.application_export, name="applications_export"),
    path("applications/<int:pk>/", cases.application_detail, name="application"),
    path(
        "applications/<int:pk>/documents/<int:doc>/", cases.application_document, name="application_document"
    ),
    path("applications/<int:pk>/step/", cases.application_step, name="application_step"),
    path("review/notices/", batches.notices_staff, name="notices_staff"),
    path("review/decisions/", batches.decisions_page, name="decisions"),
    # payers
    path("payments/", batches.payments_page, name="payments"),
    path("payments/<int:pk>/", batches.payment_detail, name="payment"),
    path("payments/<int:pk>/file/", batches.payment_file, name="payment_file"),
    # data, jobs
    path("data/", data.imports_page, name="imports"),
    path("data/templates/<str:kind>/", data.template, name="template"),
    path("data/<str:kind>/", data.reference_list, name="reference"),
    path("deferrals/", data.deferrals, name="deferrals"),
    path("what-if/", data.whatif_page, name="whatif"),
    path("what-if/<int:pk>/", data.whatif_detail, name="whatif_detail"),
    # progress
    path("progress/", progress.progress_page, name="progress"),
    path("progress/export/", progress.progress_export, name="progress_export"),
    path("tracking/", progress.tracking_page, name="tracking"),
    path("ledger/", progress.ledger_page, name="ledger"),
]
