"""The administrative tree and the villages."""

from rest_framework import serializers

from villages.models import NUMERIC_PROFILE_FIELDS, Region, Village


class RegionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = ["id", "code", "name", "level", "parent"]


class VillageSerializer(serializers.ModelSerializer):
    town_name = serializers.CharField(source="town.name", read_only=True)

    class Meta:
        model = Village
        fields = [
            "id",
            "code",
            "name",
            "kind",
            "town",
            "town_name",
            "is_active",
            "merged_into",
            "secretary_name",
            *NUMERIC_PROFILE_FIELDS,
        ]
