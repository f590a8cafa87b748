from django.urls import path

from . import views

app_name = "approvals"
urlpatterns = [
    path("<int:article_id>/<str:token>/", views.approval_page, name="page"),
]
