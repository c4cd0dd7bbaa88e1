from django.urls import path

from . import calendar_views as views

app_name = "calendar"
urlpatterns = [
    path("", views.calendar_years, name="years"),
    path("<int:year>/", views.calendar_year_edit, name="year"),
    path("recomputations/", views.recomputations, name="recomputations"),
    path("recomputations/<int:pk>/", views.recomputation, name="recomputation"),
]
