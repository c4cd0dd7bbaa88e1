from django.urls import path

from . import views

app_name = "jobs"

urlpatterns = [
    path("", views.run_list, name="list"),
    path("<int:pk>/", views.run_detail, name="detail"),
    path("<int:pk>/status/", views.run_status, name="status"),
    path("<int:pk>/errors/", views.errors_file, name="errors"),
    path("<int:pk>/result/", views.result_file, name="result"),
]
