"""The login backend: Django's, with the user's person read in the same query."""

from django.contrib.auth.backends import ModelBackend

from mus.models import User


class Backend(ModelBackend):
    """ModelBackend whose ``get_user`` also fetches the person, their department and manager.

    Nearly every page asks which person the user is (access, the dashboard, the trail):
    reading it with the user saves that query on each of them.
    """

    def get_user(self, user_id):
        try:
            user = User._default_manager.select_related(
                "person__department", "person__manager__user"
            ).get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
