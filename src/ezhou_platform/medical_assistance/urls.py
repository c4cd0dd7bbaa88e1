from django.urls import path

from . import views

app_name = "medical_assistance"
urlpatterns = [
    path("", views.index, name="index"),
    path("calculator/", views.calculator, name="calculator"),
    path("persons/", views.persons, name="persons"),
    path("settlements/", views.settlements, name="settlements"),
]
urlpatterns += [
    path("warnings/", views.warnings_medical, name="warnings"),
    path("warnings/civil-affairs/", views.warnings_civil_affairs, name="warnings_civil_affairs"),
    path("warnings/rural-revitalization/", views.warnings_rural, name="warnings_rural"),
]
urlpatterns += [path("fund/", views.fund, name="fund")]
urlpatterns += [path("applications/", views.applications, name="applications")]
urlpatterns += [
    path("identities/", views.identities, name="identities"),
    path("premium-subsidy/", views.premium_subsidy, name="premium_subsidy"),
    path("premium-subsidy/persons/", views.premium_subsidy_persons, name="premium_subsidy_persons"),
    path("class-4/", views.class_4_recognitions, name="class_4"),
]
urlpatterns += [path("recoveries/", views.recoveries, name="recoveries")]
