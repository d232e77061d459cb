"""Background work, run by `manage.py db_worker` from the database queue."""

from django_tasks import task


@task()
def prepare_file(prepared_file_id):
    # The services enqueue this task, so they are imported when it runs, not when it is defined.
    from assessments.services import build_prepared_file

    build_prepared_file(prepared_file_id=prepared_file_id)
