from django.contrib import admin

from interventions.models import (
    Attendance,
    Intervention,
    InterventionStaff,
    Placement,
    PlanReview,
    Programme,
    Session,
    StaffRate,
    SupportPlan,
    Training,
)


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["name", "school", "area", "wave", "delivery", "evidence_strength"]
    list_filter = ["area", "wave", "delivery", "evidence_strength", "school"]
    search_fields = ["name"]


@admin.register(Training)
class TrainingAdmin(admin.ModelAdmin):
    list_display = ["user", "programme", "school", "trained_on", "expires_on"]
    list_filter = ["school"]


@admin.register(StaffRate)
class StaffRateAdmin(admin.ModelAdmin):
    list_display = ["school", "role", "hourly_rate"]


class InterventionStaffInline(admin.TabularInline):
    model = InterventionStaff
    extra = 0


@admin.register(Intervention)
class InterventionAdmin(admin.ModelAdmin):
    list_display = ["name", "school", "wave", "status", "start_date", "end_date"]
    list_filter = ["school", "wave", "status"]
    search_fields = ["name"]
    inlines = [InterventionStaffInline]


@admin.register(Placement)
class PlacementAdmin(admin.ModelAdmin):
    list_display = ["pupil", "intervention", "entry_date", "exit_date", "outcome"]
    list_filter = ["intervention__school", "outcome"]
    raw_id_fields = ["pupil", "intervention", "entry_result", "exit_result"]


class AttendanceInline(admin.TabularInline):
    model = Attendance
    extra = 0
    raw_id_fields = ["placement"]


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = ["intervention", "date", "minutes", "logged_by"]
    list_filter = ["intervention__school"]
    date_hierarchy = "date"
    inlines = [AttendanceInline]


@admin.register(SupportPlan)
class SupportPlanAdmin(admin.ModelAdmin):
    list_display = ["pupil", "start_date", "review_date", "is_active"]
    raw_id_fields = ["pupil"]


@admin.register(PlanReview)
class PlanReviewAdmin(admin.ModelAdmin):
    list_display = ["plan", "date", "stage"]
