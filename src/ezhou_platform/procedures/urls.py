from django.urls import path

from . import views

app_name = "procedures"
urlpatterns = [
    path("", views.workspace, name="workspace"),
    path("cases/", views.case_list, name="cases"),
    path("cases/<int:pk>/", views.case_detail, name="case"),
    path("documents/<int:pk>/", views.document_detail, name="document"),
    path("documents/<int:pk>/pdf/", views.document_pdf, name="document_pdf"),
]
