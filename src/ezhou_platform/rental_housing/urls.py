from django.urls import path

from . import views, views_portal

app_name = "rental_housing"
urlpatterns = [
    path("", views.index, name="index"),
    path("eligibility/", views.eligibility, name="eligibility"),
    path("publicity/", views.publicity, name="publicity"),
    path("my/", views_portal.my_applications, name="my"),
    path("my/<int:pk>/choose/", views_portal.choose, name="choose"),
    path("my/contracts/<int:pk>/", views_portal.my_contract, name="my_contract"),
    path("manage/", views.manage, name="manage"),
    path("manage/<int:pk>/", views.detail, name="detail"),
    path("deadlines/", views.deadlines, name="deadlines"),
    path("plan/", views.plan, name="plan"),
    path("my/offers/<int:pk>/", views_portal.answer_offer, name="answer_offer"),
    path("my/service/", views_portal.my_service, name="my_service"),
    path("maintenance/", views.maintenance_list, name="maintenance"),
    path("maintenance/<int:pk>/", views.maintenance_handle, name="maintenance_handle"),
    path("complaints/", views.complaint_list, name="complaints"),
    path("complaints/<int:pk>/", views.complaint_handle, name="complaint_handle"),
]
