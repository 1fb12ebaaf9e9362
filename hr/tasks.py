"""HR's bulk work as tasks (django.tasks): in production they wait in the database for
``manage.py worker``; each is safe to run twice or to be killed, see ``hr.jobs``."""

from django.tasks import task

from hr import jobs


@task
def plan_job(job_id: int) -> int:
    return jobs.plan(job_id)


@task
def run_part(part_id: int) -> str:
    return jobs.run_part(part_id)


@task
def finish_job(job_id: int) -> bool:
    return jobs.finish(job_id)
