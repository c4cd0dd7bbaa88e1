from django.urls import path

from . import views

app_name = "rental_housing"
urlpatterns = [
    path("", views.index, name="index"),
]
