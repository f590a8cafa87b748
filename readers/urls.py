from django.urls import path

from . import views

app_name = "readers"
urlpatterns = [
    path("account/", views.account, name="account"),
    path("account/sign-in/", views.sign_in, name="sign-in"),
    path("account/sign-in/check-inbox/", views.check_inbox, name="check-inbox"),
    path("account/sign-in/link/<str:token>/", views.sign_in_link, name="sign-in-link"),
    path("account/sign-out/", views.sign_out, name="sign-out"),
    path("account/sign-out-everywhere/", views.sign_out_everywhere, name="sign-out-everywhere"),
    path("account/language/", views.account_language, name="language"),
    path("account/newsletter/", views.account_newsletter, name="newsletter"),
    path("account/delete/", views.account_delete, name="delete"),
    path("account/feed/reset/", views.account_feed_reset, name="feed-reset"),
]
