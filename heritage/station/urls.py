from django.urls import path

from . import views

app_name = "station"
urlpatterns = [
    path("", views.page, name="page"),
    path("start/", views.start, name="start"),
    path("narrators/<int:narrator_id>/consent-form", views.consent_form, name="consent_form"),
    path("mine/", views.mine, name="mine"),
    path("uploads/<str:upload_id>/", views.upload, name="upload"),
    path("uploads/<str:upload_id>/chunks/<int:index>", views.upload_chunk, name="upload_chunk"),
    path("uploads/<str:upload_id>/commit", views.upload_commit, name="upload_commit"),
    path("recordings/<int:pk>/", views.recording, name="recording"),
    path("recordings/<int:pk>/audio", views.recording_audio, name="recording_audio"),
    path("progress/", views.live_progress, name="progress"),
]
