"""Admin for users, companies, access groups, roles and grants.

This app imports no other app of ours: the mail app adds its part of the user page (the address's
delivery status and clearing a bounce mark) by extending UserAdmin in mailgateway/admin.py."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as AuthUserAdmin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts import two_factor
from accounts.models import AccessGroup, Company, GroupGrant, Role, User


class GrantInline(admin.TabularInline):
    model = GroupGrant
    extra = 0
    fields = ["group", "permission"]
    list_select_related = ["group"]


class RoleGrantInline(GrantInline):
    fk_name = "role"
    verbose_name = _("grant of this role")
    verbose_name_plural = _("grants of this role")


class UserGrantInline(GrantInline):
    fk_name = "user"
    verbose_name = _("direct grant")
    verbose_name_plural = _("direct grants (besides the roles)")


class CustomerInline(admin.TabularInline):
    """The company's customers, as links; users are edited on their own page."""

    model = User
    fk_name = "company"
    extra = 0
    fields = ["username", "email", "first_name", "last_name", "can_see_company_tickets", "is_active"]
    readonly_fields = fields
    show_change_link = True
    can_delete = False
    verbose_name = _("customer")
    verbose_name_plural = _("customers")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin):
    list_display = ["name", "email_domains", "account_manager", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "email_domains"]
    list_select_related = ["account_manager"]
    autocomplete_fields = ["account_manager"]
    inlines = [CustomerInline]


@admin.register(User)
class UserAdmin(AuthUserAdmin):
    list_display = ["username", "email", "first_name", "last_name", "kind", "company", "is_staff", "is_active"]
    list_filter = ["kind", "is_staff", "is_superuser", "is_active", "roles", "language"]
    search_fields = ["username", "first_name", "last_name", "email", "company__name"]
    list_select_related = ["company"]
    autocomplete_fields = ["company"]
    filter_horizontal = ["roles", "groups", "user_permissions"]
    show_full_result_count = False
    actions = ["reset_two_factor"]
    fieldsets = [
        (None, {"fields": ["username", "password", "kind"]}),
        (
            _("Personal info"),
            {"fields": ["first_name", "last_name", "email", "phone", "language", "timezone"]},
        ),
        (_("Customer"), {"fields": ["company", "can_see_company_tickets"]}),
        (_("Agent"), {"fields": ["roles", "signature"]}),
        (
            _("Agent preferences"),
            {
                "classes": ["collapse"],
                "fields": User.AGENT_PREFERENCES,
            },
        ),
        (
            _("Permissions"),
            {
                "fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"],
                "description": _(
                    "Only staff agents reach this admin; a customer is refused even with “staff status”. "
                    "Queue rights come from roles and direct grants, not from Django permissions."
                ),
            },
        ),
        (_("Important dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": ["username", "kind", "email", "company", "usable_password", "password1", "password2"],
            },
        ),
    ]

    @admin.action(description=_("Reset two-factor authentication (remove app and recovery codes)"))
    def reset_two_factor(self, request, queryset):
        users = list(queryset)
        for user in users:
            two_factor.reset(user)
        self.message_user(
            request,
            ngettext(
                "Two-factor authentication was reset for %(count)d user; they sign in with the password alone "
                "(or set it up again where it is required).",
                "Two-factor authentication was reset for %(count)d users; they sign in with the password alone "
                "(or set it up again where it is required).",
                len(users),
            )
            % {"count": len(users)},
        )

    def get_inlines(self, request, obj):
        # Direct grants only make sense for agents; customers' rights come from their tickets.
        return [UserGrantInline] if obj is not None and obj.is_agent else []


@admin.register(AccessGroup)
class AccessGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "description"]
    search_fields = ["name", "description"]


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = ["name", "description"]
    search_fields = ["name", "description"]
    inlines = [RoleGrantInline]


@admin.register(GroupGrant)
class GroupGrantAdmin(admin.ModelAdmin):
    list_display = ["group", "permission", "role", "user"]
    list_filter = ["permission", "group", "role"]
    search_fields = ["group__name", "role__name", "user__username", "user__email"]
    list_select_related = ["group", "role", "user"]
    autocomplete_fields = ["group", "role", "user"]
