from django.contrib import admin

from .models import DataImport, Guardian, Pupil, PupilGuardian, TeachingGroup


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


@admin.register(Guardian)
class GuardianAdmin(admin.ModelAdmin):
    list_display = ["last_name", "first_name", "email", "school", "user"]
    list_filter = ["school"]
    search_fields = ["last_name", "first_name", "email"]


@admin.register(PupilGuardian)
class PupilGuardianAdmin(admin.ModelAdmin):
    list_display = ["pupil", "guardian", "relationship", "parental_responsibility"]
    autocomplete_fields = ["pupil", "guardian"]


@admin.register(DataImport)
class DataImportAdmin(admin.ModelAdmin):
    list_display = ["filename", "school", "status", "uploaded_by", "uploaded_at", "created_count", "updated_count"]
    list_filter = ["status", "school"]
    readonly_fields = ["uploaded_at", "applied_at"]
