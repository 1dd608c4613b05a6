from django.urls import path

from . import shelf_views, views

app_name = "stories"
urlpatterns = [
    path("", views.kit_list, name="kit_list"),
    path("shelf/", shelf_views.shelf, name="shelf"),
    path("snippets/", views.snippet_create, name="snippet_create"),
    path("<slug:slug>/", views.kit_story, name="kit_story"),
    path("<slug:slug>/download/", views.kit_download, name="kit_download"),
    path("<slug:slug>/label-<str:side>.png", shelf_views.kit_label_preview, name="kit_label_preview"),
    path("<slug:slug>/board/", views.board_page, name="board"),
    path("<slug:slug>/board/save/", views.board_save, name="board_save"),
    path("<slug:slug>/board/comment/", views.board_comment, name="board_comment"),
    path("<slug:slug>/board/vote/", views.board_vote, name="board_vote"),
    path("<slug:slug>/board/submit/", views.board_submit, name="board_submit"),
    path("<slug:slug>/board/palette/", views.board_palette, name="board_palette"),
]
