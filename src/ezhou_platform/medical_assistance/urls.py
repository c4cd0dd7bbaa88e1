from django.urls import path

from . import views

app_name = "medical_assistance"
urlpatterns = [
    path("", views.index, name="index"),
]
