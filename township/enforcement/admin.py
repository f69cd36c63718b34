from django.contrib import admin

from township.enforcement import models


@admin.register(models.Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ("name", "jurisdiction", "kind", "active")
    list_filter = ("kind", "active")


@admin.register(models.Officer)
class OfficerAdmin(admin.ModelAdmin):
    list_display = ("user", "jurisdiction", "team", "department", "in_inspector_pool", "active")
    raw_id_fields = ("user",)


@admin.register(models.Credential)
class CredentialAdmin(admin.ModelAdmin):
    list_display = ("number", "officer", "issuer", "valid_from", "valid_until", "revoked")


@admin.register(models.LegalReviewer)
class LegalReviewerAdmin(admin.ModelAdmin):
    list_display = ("user", "jurisdiction", "qualification", "certificate_number", "active")
    raw_id_fields = ("user",)


@admin.register(models.PenaltyItem)
class PenaltyItemAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "jurisdiction", "domain", "fine_min", "fine_max")
    search_fields = ("code", "name")


@admin.register(models.HearingThreshold)
class HearingThresholdAdmin(admin.ModelAdmin):
    list_display = ("jurisdiction", "domain", "person_fine", "organisation_fine", "confiscation_value")


@admin.register(models.EnforcementConfig)
class EnforcementConfigAdmin(admin.ModelAdmin):
    list_display = ("jurisdiction", "bureau_name", "clue_decision_working_days", "disclosure_working_days")


@admin.register(models.InspectionItem)
class InspectionItemAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "department", "jurisdiction")
