from django.urls import path

from . import views, views_admin

app_name = "security"

urlpatterns = [
    path("accounts/captcha.png", views.captcha_image, name="captcha"),
    path("accounts/mfa/", views.mfa_page, name="mfa"),
    path("accounts/password/", views.password_change, name="password_change"),
    path("security/", views_admin.dashboard, name="dashboard"),
    path("security/inventory/", views_admin.inventory, name="inventory"),
    path("security/alerts/<int:pk>/ack", views_admin.acknowledge_alert, name="alert_ack"),
    path("security/uploads/<uuid:pk>", views_admin.download_upload, name="upload"),
]
