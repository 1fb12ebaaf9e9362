"""`make loadtest`: 50 simulated users against gunicorn and a private PostgreSQL, with faults.

run.py sets up and tears down; users.py are the simulated people; check.py sums up the
figures and checks that every save the server acknowledged is in the database.
"""
