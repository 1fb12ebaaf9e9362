"""English as it is written in Denmark: day, month, year ("1 February 2027"), 24-hour time.

Django's own English formats are American ("Feb. 1, 2027"); every date in the product
goes through these format names (tests/test_localisation.py), so this file decides them.
"""

DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i"
MONTH_DAY_FORMAT = "j F"
YEAR_MONTH_FORMAT = "F Y"
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
TIME_FORMAT = "H:i"
FIRST_DAY_OF_WEEK = 1  # Monday
