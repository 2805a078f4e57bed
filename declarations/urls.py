from django.urls import path

from . import views

app_name = "declarations"

urlpatterns = [
    path("declaration/", views.submit, name="submit"),
    path("declaration/<int:year>/", views.submit_year, name="submit_year"),
    path("declaration/<int:year>/good-practices/", views.good_practices, name="good_practices"),
    path("declaration/attachments/<int:pk>/", views.attachment_download, name="attachment"),
    path(
        "declaration/attachments/<int:pk>/remove/",
        views.attachment_remove,
        name="attachment_remove",
    ),
    path("organisers/declaration/<int:year>/", views.review, name="review"),
    path(
        "organisers/declaration/<int:year>/compilation/",
        views.compilation,
        name="compilation",
    ),
    path("organisers/declaration/<int:year>/publish/", views.publish, name="publish"),
    path("organisers/declaration/<int:year>/export.<str:fmt>", views.export, name="export"),
]
