"""`make loadtest`: 50 simulated users against gunicorn and a private PostgreSQL, with faults,
then the app's cost at saturation against a bare view.

run.py sets up, injects the faults and tears down; locustfile.py are the simulated people
(Locust, headless, in a process of their own); check.py sums up the figures and checks
that every save the server acknowledged is in the database.
"""
