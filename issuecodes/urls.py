from django.urls import path

from . import views

app_name = "issuecodes"
urlpatterns = [
    path("account/redeem/", views.redeem, name="redeem"),
]
