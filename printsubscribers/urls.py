from django.urls import path

from . import views

app_name = "printsubscribers"
urlpatterns = [
    path("account/print-subscription/", views.activate, name="activate"),
]
