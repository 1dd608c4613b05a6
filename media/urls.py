from django.urls import path

from . import recorder_views as views

app_name = "recorder"
urlpatterns = [
    path("uploads/<str:upload_id>/", views.upload, name="upload"),
    path("uploads/<str:upload_id>/chunks/<int:index>", views.upload_chunk, name="upload_chunk"),
    path("uploads/<str:upload_id>/commit", views.upload_commit, name="upload_commit"),
    path("mine/", views.my_recordings, name="mine"),
    path("recordings/<int:pk>/", views.recording_status, name="recording"),
    path("recordings/<int:pk>/audio", views.recording_audio, name="recording_audio"),
]
