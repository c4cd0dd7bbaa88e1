from django.urls import path

from . import views

app_name = "water_plan"
urlpatterns = [
    path("", views.index, name="index"),
]
