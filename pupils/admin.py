from django.contrib import admin

from .models import (
    Assessment,
    DataImport,
    Guardian,
    GuardianInvitation,
    Pupil,
    PupilGuardian,
    Result,
    Scale,
    ScaleBand,
    Subject,
    TeachingGroup,
)
from .services import pupil_delete


@admin.register(TeachingGroup)
class TeachingGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "school", "kind", "year_group"]
    list_filter = ["school", "kind"]
    search_fields = ["name"]
    filter_horizontal = ["teachers"]


class PupilGuardianInline(admin.TabularInline):
    model = PupilGuardian
    extra = 0
    autocomplete_fields = ["guardian"]


@admin.register(Pupil)
class PupilAdmin(admin.ModelAdmin):
    list_display = ["legal_last_name", "legal_first_name", "upn", "school", "year_group", "sen_status"]
    list_filter = ["school", "year_group", "sen_status", "pupil_premium", "eal", "looked_after"]
    search_fields = ["legal_last_name", "legal_first_name", "preferred_first_name", "upn"]
    list_select_related = ["school"]
    inlines = [PupilGuardianInline]

    # Deleting here goes through the service: parents and carers linked to no other pupil go too, and the
    # deletion is in the audit log.
    def delete_model(self, request, obj) -> None:
        pupil_delete(pupil=obj, by=request.user, reason="deleted in the Django admin")

    def delete_queryset(self, request, queryset) -> None:
        for pupil in queryset:
            pupil_delete(pupil=pupil, by=request.user, reason="deleted in the Django admin")


@admin.register(Guardian)
class GuardianAdmin(admin.ModelAdmin):
    list_display = ["last_name", "first_name", "email", "school", "user"]
    list_filter = ["school"]
    search_fields = ["last_name", "first_name", "email"]


@admin.register(GuardianInvitation)
class GuardianInvitationAdmin(admin.ModelAdmin):
    """Read-only: the audit trail of who invited whom. Invitations are sent and withdrawn from pupils' profiles."""

    list_display = ["guardian", "email", "created_by", "created_at", "expires_at", "accepted_at", "revoked_at"]
    list_filter = ["guardian__school"]
    search_fields = ["email", "guardian__last_name"]
    list_select_related = ["guardian", "created_by"]
    exclude = ["token_hash"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(PupilGuardian)
class PupilGuardianAdmin(admin.ModelAdmin):
    list_display = ["pupil", "guardian", "relationship", "parental_responsibility"]
    autocomplete_fields = ["pupil", "guardian"]


@admin.register(DataImport)
class DataImportAdmin(admin.ModelAdmin):
    list_display = ["filename", "school", "status", "uploaded_by", "uploaded_at", "created_count", "updated_count"]
    list_filter = ["status", "school"]
    readonly_fields = ["uploaded_at", "applied_at"]


@admin.register(Subject)
class SubjectAdmin(admin.ModelAdmin):
    list_display = ["name", "school"]
    list_filter = ["school"]


class ScaleBandInline(admin.TabularInline):
    model = ScaleBand
    extra = 0


@admin.register(Scale)
class ScaleAdmin(admin.ModelAdmin):
    list_display = ["name", "school", "kind", "expected", "high"]
    list_filter = ["school", "kind"]
    inlines = [ScaleBandInline]


@admin.register(Assessment)
class AssessmentAdmin(admin.ModelAdmin):
    list_display = ["name", "school", "subject", "scale", "taken_on", "term"]
    list_filter = ["school", "subject"]
    list_select_related = ["school", "subject", "scale", "term__academic_year"]
    date_hierarchy = "taken_on"


@admin.register(Result)
class ResultAdmin(admin.ModelAdmin):
    list_display = ["pupil", "assessment", "typed", "value", "updated_at"]
    list_filter = ["assessment__school", "assessment__subject"]
    list_select_related = ["pupil", "assessment"]
    search_fields = ["pupil__legal_last_name", "pupil__upn"]
    raw_id_fields = ["pupil", "assessment", "entered_by"]
