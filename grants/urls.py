from django.urls import path

from grants.views import public

app_name = "grants"

urlpatterns = [
    path("calls/<slug:slug>/", public.CallDetailView.as_view(), name="call_detail"),
]
