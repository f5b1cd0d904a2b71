from django.urls import path

from reviews.views.ranking import RankingView

app_name = "ranking"

urlpatterns = [
    path("manage/calls/<int:pk>/ranking/", RankingView.as_view(), name="ranking"),
]
