from django.urls import path

from . import station_views as views

app_name = "station"
urlpatterns = [
    path("", views.page, name="page"),
    path("narrators/", views.add_narrator, name="add_narrator"),
    path("narrators/<int:narrator_id>/consent-form", views.consent_form, name="consent_form"),
]
