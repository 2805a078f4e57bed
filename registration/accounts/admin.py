"""The people's accounts in the admin, as the registration app needs them: removing an
attendee goes through ``delete_account``, like "delete my account", so their seats go
to the waiting list and every app forgets them. Registers itself over gmc's User admin
(imported by ``registration.admin``, which the admin finds)."""

from __future__ import annotations

from django.contrib import admin

from gmc.admin import UserAdmin as BaseUserAdmin
from gmc.models import User

from .services import delete_account


class UserAdmin(BaseUserAdmin):
    def delete_model(self, request, obj):
        # Organisers' accounts are refused by delete_account: another organiser removes
        # them here, as Django would.
        if obj.is_staff or obj.is_superuser:
            return super().delete_model(request, obj)
        delete_account(obj.pk)
        return None

    def get_deleted_objects(self, objs, request):
        # Registrations and outbox rows are not deletable by hand in the admin; removing a
        # person is still allowed because delete_account takes care of them.
        deleted, counts, _perms_needed, protected = super().get_deleted_objects(objs, request)
        return deleted, counts, set(), protected

    def delete_queryset(self, request, queryset):
        for user in queryset:
            self.delete_model(request, user)


admin.site.unregister(User)
admin.site.register(User, UserAdmin)
