from django.urls import path

from . import views

app_name = "gazette"

urlpatterns = [
    path("", views.document_list, name="list"),
    path("search/", views.search, name="search"),
    path("coverage/", views.coverage, name="coverage"),
    path("<slug:slug>/", views.document_detail, name="document"),
]
