from django.urls import path

from . import views

app_name = "comments"
urlpatterns = [
    path("articles/<slug:slug>/comments/", views.comment_post, name="post"),
]
