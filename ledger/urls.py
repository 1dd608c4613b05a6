from django.urls import path

from . import views

app_name = "ledger"
urlpatterns = [
    path("kits/<slug:slug>/accept/", views.accept_agreement, name="accept"),
]
