from django.contrib import admin
from django.urls import include, path

from ezhou_platform.api import api
from ezhou_platform.common import views as common_views
from ezhou_platform.common.permissions import public

admin.site.site_header = "鄂州市政策平台 · 业务管理"
admin.site.site_title = "鄂州市政策平台"
admin.site.index_title = "业务管理"

urlpatterns = [
    path("", common_views.home, name="home"),
    path("accounts/login/", public(common_views.LoginView.as_view()), name="login"),
    path("accounts/logout/", public(common_views.LogoutView.as_view()), name="logout"),
    path("", include("ezhou_platform.security.urls")),
    path("policies/", include("ezhou_platform.gazette.urls")),
    path("medical-assistance/", include("ezhou_platform.medical_assistance.urls")),
    path("water-plan/", include("ezhou_platform.water_plan.urls")),
    path("rental-housing/", include("ezhou_platform.rental_housing.urls")),
    path("unconventional-water/", include("ezhou_platform.unconventional_water.urls")),
    path("subsidies/", include("ezhou_platform.subsidies.urls")),
    path("supervision/", include("ezhou_platform.supervision.urls")),
    path("licensing/", include("ezhou_platform.licensing.urls")),
    path("audit/", include("ezhou_platform.common.audit.urls")),
    path("calendar/", include("ezhou_platform.common.calendar_urls")),
    path("workspace/", include("ezhou_platform.procedures.urls")),
    path("registers/", include("ezhou_platform.registers.urls")),
    path("jobs/", include("ezhou_platform.jobs.urls")),
    path("my-data/", include("ezhou_platform.mydata.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
]

handler403 = "ezhou_platform.common.views.permission_denied"
handler404 = "ezhou_platform.common.views.page_not_found"
handler500 = "ezhou_platform.common.views.server_error"
