from django.urls import path

from . import views

app_name = "heritage"
urlpatterns = [
    path("<int:page_id>/<str:variant>/", views.oral_history_audio, name="oral_history_audio"),
]
