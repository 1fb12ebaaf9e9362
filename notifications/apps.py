from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("E-mail")

    def ready(self):
        from notifications import (
            checks,  # noqa: F401  (registers the deploy check)
            outbox,
        )
        from reviews import signals

        # The cycle says what happened; the e-mails it owes are written down here.
        signals.reviews_opened.connect(
            lambda sender, round_, **kwargs: outbox.queue_invitations(round_),
            weak=False,
            dispatch_uid="notifications.invitations",
        )
        signals.talk_time_changed.connect(
            lambda sender, review, **kwargs: outbox.queue_talk_time(review),
            weak=False,
            dispatch_uid="notifications.talk_time",
        )
