from django.urls import path

from . import views

app_name = "medical_assistance"
urlpatterns = [
    # public
    path("", views.index, name="index"),
    path("calculator/", views.calculator, name="calculator"),
    path("premium-subsidy/", views.premium_subsidy, name="premium_subsidy"),
    # 医疗保障局: persons, claims and settlements
    path("persons/", views.persons, name="persons"),
    path("premium-subsidy/persons/", views.premium_subsidy_persons, name="premium_subsidy_persons"),
    path("settlements/", views.settlements, name="settlements"),
    path("settlements/export.xlsx", views.settlements_export, name="settlements_export"),
    path("claims/new/", views.claim_new, name="claim_new"),
    path("claims/upload/", views.claims_upload, name="claims_upload"),
    path("claims/template.xlsx", views.claims_template, name="claims_template"),
    path("claims/calculate/", views.claims_calculate, name="claims_calculate"),
    path("claims/<int:pk>/", views.claim_detail, name="claim"),
    path("resettle/", views.resettle, name="resettle"),
    path("recoveries/", views.recoveries, name="recoveries"),
    path("recoveries/export.xlsx", views.recoveries_export, name="recoveries_export"),
    # 医疗保障局: applications, identities, warnings, fund
    path("applications/", views.applications, name="applications"),
    path("applications/<int:pk>/", views.application_detail, name="application"),
    path("identities/", views.identities, name="identities"),
    path("warnings/", views.warnings_medical, name="warnings"),
    path("warnings/<int:pk>/export.xlsx", views.warnings_export, name="warnings_export"),
    path("fund/", views.fund, name="fund"),
    path("fund/export.xlsx", views.fund_export, name="fund_export"),
    # 民政局
    path("class-4/", views.class_4_recognitions, name="class_4"),
    path("class-4/<int:pk>/", views.class_4_detail, name="class_4_detail"),
    path("civil-affairs/identities/", views.identities_civil_affairs, name="identities_civil_affairs"),
    path("warnings/civil-affairs/", views.warnings_civil_affairs, name="warnings_civil_affairs"),
    path(
        "warnings/civil-affairs/<int:pk>/export.xlsx",
        views.warnings_export_civil_affairs,
        name="warnings_export_civil_affairs",
    ),
    # 乡村振兴局
    path("rural-revitalization/identities/", views.identities_rural, name="identities_rural"),
    path("warnings/rural-revitalization/", views.warnings_rural, name="warnings_rural"),
    path(
        "warnings/rural-revitalization/<int:pk>/export.xlsx",
        views.warnings_export_rural,
        name="warnings_export_rural",
    ),
]
