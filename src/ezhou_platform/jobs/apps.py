from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "ezhou_platform.jobs"
    label = "jobs"
    verbose_name = "后台作业"

    def ready(self) -> None:
        from django.utils.module_loading import autodiscover_modules

        from ezhou_platform.common.audit.services import register_action

        register_action("jobs.run.start", "发起后台作业")
        register_action("jobs.run.finish", "后台作业结束")
        register_action("jobs.run.resume", "后台作业中断后续跑")
        register_action("jobs.run.interrupt", "后台作业中断")
        # The queue rows are internal (the jobs pages show the runs); keep them out of the admin.
        from django.contrib import admin
        from django_tasks_db.models import DBTaskResult

        if admin.site.is_registered(DBTaskResult):
            admin.site.unregister(DBTaskResult)
        # Every installed app declares its jobs in `<app>/jobs.py` (see docs/jobs.md).
        autodiscover_modules("jobs")
