from django.urls import path

from . import views

app_name = "mydata"

urlpatterns = [
    path("", views.index, name="index"),
    path("export/", views.export, name="export"),
    path("corrections/", views.corrections, name="corrections"),
    path("corrections/<int:pk>/answer/", views.answer, name="answer"),
]
