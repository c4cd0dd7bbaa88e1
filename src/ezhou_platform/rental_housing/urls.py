from django.urls import path

from .views import applications, imports, plan, portal, public, records, supervision, tenancy

app_name = "rental_housing"
urlpatterns = [
    # public: announcements, publicity, calculators (each with its PDF)
    path("", public.index, name="index"),
    path("publicity/", public.publicity, name="publicity"),
    path("eligibility/", public.eligibility, name="eligibility"),
    path("calculators/", public.calculators, name="calculators"),
    path("calculators/exit-rent/", public.exit_rent, name="calc_exit_rent"),
    path("calculators/rent-to-own/", public.rent_to_own_calc, name="calc_rent_to_own"),
    path("calculators/area/", public.area_calc, name="calc_area"),
    path("calculators/deadlines/", public.deadlines_calc, name="calc_deadlines"),
    # citizens and enterprises
    path("my/", portal.my_applications, name="my"),
    path("my/<int:pk>/choose/", portal.choose, name="choose"),
    path("my/<int:pk>/withdraw/", portal.withdraw, name="withdraw"),
    path("my/offers/<int:pk>/", portal.answer_offer, name="answer_offer"),
    path("my/contracts/<int:pk>/", portal.my_contract, name="my_contract"),
    path("my/service/", portal.my_service, name="my_service"),
    path("my/rent-to-own/", portal.my_rent_to_own, name="my_rent_to_own"),
    path("complaints/new/", portal.complaint_new, name="complaint_new"),
    path("contracts/<int:pk>/contract.pdf", portal.contract_pdf, name="contract_pdf"),
    path("contracts/<int:pk>/statement.pdf", portal.statement_pdf, name="statement_pdf"),
    # operators and housing staff: the application procedure
    path("manage/", applications.manage, name="manage"),
    path("manage/export.xlsx", applications.manage_export, name="manage_export"),
    path("manage/new/", applications.offline_new, name="offline_new"),
    path("manage/<int:pk>/", applications.detail, name="detail"),
    # tenancy
    path("contracts/", tenancy.contract_list, name="contracts"),
    path("contracts/export.xlsx", tenancy.contract_export, name="contracts_export"),
    path("rent-to-own/", tenancy.rent_to_own_list, name="rent_to_own_list"),
    path("rent-to-own/export.xlsx", tenancy.rent_to_own_export, name="rent_to_own_export"),
    path("rent-to-own/<int:pk>/", tenancy.rent_to_own_detail, name="rent_to_own_detail"),
    # service and supervision
    path("maintenance/", supervision.maintenance_list, name="maintenance"),
    path("maintenance/export.xlsx", supervision.maintenance_export, name="maintenance_export"),
    path("maintenance/<int:pk>/", supervision.maintenance_handle, name="maintenance_handle"),
    path("complaints/", supervision.complaint_list, name="complaints"),
    path("complaints/export.xlsx", supervision.complaint_export, name="complaints_export"),
    path("complaints/<int:pk>/", supervision.complaint_handle, name="complaint_handle"),
    path("inspections/", supervision.inspection_list, name="inspections"),
    path("inspections/export.xlsx", supervision.findings_export, name="findings_export"),
    path("inspections/new/", supervision.inspection_new, name="inspection_new"),
    path("findings/<int:pk>/", supervision.finding_detail, name="finding"),
    # the dashboard, the deadline board, batch work, one address per record
    path("deadlines/", plan.deadlines, name="deadlines"),
    path("plan/", plan.plan, name="plan"),
    path("plan/export.xlsx", plan.plan_export, name="plan_export"),
    path("imports/", imports.imports, name="imports"),
    path("imports/template/<str:kind>.xlsx", imports.template, name="import_template"),
    path("r/<str:kind>/<int:pk>/", records.record, name="record"),
]
