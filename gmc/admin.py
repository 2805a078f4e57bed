from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from gmc import outbox
from gmc.models import OutboxMessage, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "is_staff", "is_active", "date_joined"]
    list_filter = ["is_staff", "is_superuser", "is_active", "groups"]
    search_fields = ["email", "full_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Personal information"), {"fields": ["full_name", "language", "time_zone"]}),
        (
            _("Permissions"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (_("Important dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "full_name", "password1", "password2"]}),
    ]


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "kind",
        "to_email",
        "status",
        "attempts",
        "sent_at",
        "short_error",
    ]
    list_filter = ["status", "kind", "created_at"]
    search_fields = ["to_email", "key", "subject"]
    date_hierarchy = "created_at"
    actions = ["send_again"]
    readonly_fields = [field.name for field in OutboxMessage._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        # The outbox is the record of what was sent; it is not edited by hand.
        return False

    @admin.display(description=_("last error"))
    def short_error(self, obj: OutboxMessage) -> str:
        return obj.last_error[:80]

    @admin.action(description=_("Send again (failed messages)"), permissions=["change"])
    def send_again(self, request, queryset):
        failed = list(
            queryset.filter(status=OutboxMessage.Status.FAILED).values_list("pk", flat=True)
        )
        for pk in failed:
            outbox.requeue(pk)
        self.message_user(
            request,
            ngettext(
                "%(count)d message queued again.", "%(count)d messages queued again.", len(failed)
            )
            % {"count": len(failed)},
            messages.SUCCESS,
        )
        skipped = queryset.count() - len(failed)
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%(count)d message was not failed and was left as it is.",
                    "%(count)d messages were not failed and were left as they are.",
                    skipped,
                )
                % {"count": skipped},
                messages.WARNING,
            )
