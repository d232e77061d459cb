"""Signing in by username and password. Permissions are the rules' alone (villages/rules.py,
assessments/rules.py): Django's per-model permission tables are not used, so this backend
grants none and a refused rule costs no query of them on every page."""

from django.contrib.auth.backends import ModelBackend


class PasswordBackend(ModelBackend):
    def get_user_permissions(self, user_obj, obj=None):
        return set()

    def get_group_permissions(self, user_obj, obj=None):
        return set()

    def get_all_permissions(self, user_obj, obj=None):
        return set()

    def has_perm(self, user_obj, perm, obj=None):
        return False

    def has_module_perms(self, user_obj, app_label):
        return False
