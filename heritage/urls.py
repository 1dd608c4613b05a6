from django.urls import path

from . import views

app_name = "heritage"
urlpatterns = [
    path("<int:page_id>/transcript.<str:fmt>", views.oral_history_transcript, name="oral_history_transcript"),
    path("<int:page_id>/<str:variant>/", views.oral_history_audio, name="oral_history_audio"),
]
