"""What the cycle tells the apps above it, which reviews does not know: e-mail.

Sent inside the writing transaction, so that what a receiver writes (the e-mails owed,
notifications.outbox) is committed with the write or not at all.
"""

from django.dispatch import Signal

# A round was opened or widened: its new reviews' parties are to be told. Sent with round_.
reviews_opened = Signal()

# The talk's time was set, changed or cancelled: both parties get the new version.
# Sent with review.
talk_time_changed = Signal()
