from django.urls import path

from . import views

app_name = "rental_housing"
urlpatterns = [
    path("", views.index, name="index"),
    path("eligibility/", views.eligibility, name="eligibility"),
    path("publicity/", views.publicity, name="publicity"),
    path("my/", views.my_applications, name="my"),
    path("my/<int:pk>/choose/", views.choose, name="choose"),
    path("manage/", views.manage, name="manage"),
    path("manage/<int:pk>/", views.detail, name="detail"),
    path("deadlines/", views.deadlines, name="deadlines"),
    path("plan/", views.plan, name="plan"),
    path("my/offers/<int:pk>/", views.answer_offer, name="answer_offer"),
    path("my/service/", views.my_service, name="my_service"),
    path("maintenance/", views.maintenance_list, name="maintenance"),
    path("maintenance/<int:pk>/", views.maintenance_handle, name="maintenance_handle"),
    path("complaints/", views.complaint_list, name="complaints"),
    path("complaints/<int:pk>/", views.complaint_handle, name="complaint_handle"),
]
