from django.urls import path

from . import views

app_name = "registers"

urlpatterns = [
    path("jurisdictions/", views.jurisdiction_list, name="jurisdictions"),
    path("jurisdictions/tree/", views.jurisdiction_tree_view, name="jurisdiction_tree"),
    path("jurisdictions/import/", views.jurisdiction_import, name="jurisdiction_import"),
    path("jurisdictions/template/", views.jurisdiction_template, name="jurisdiction_template"),
    path("jurisdictions/<int:pk>/", views.jurisdiction_detail, name="jurisdiction"),
    path("organisations/", views.organisation_list, name="organisations"),
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation"),
]
