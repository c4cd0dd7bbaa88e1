"""Which jobs exist: each app declares its long work in `<app>/jobs.py` with the `@job` decorator.

    from ezhou_platform.jobs.registry import job

    @job("water_plan.plans.issue", label="下达年度用水计划", roles=[Role.CLERK, Role.DEPARTMENT_HEAD],
         department="water", resumable=True, citation="鄂州政办发〔2022〕15号 第六条")
    def issue_plans(ctx: JobContext) -> JobOutcome | None: ...

The page, the API and `ezhou jobs run` all start a job by its name through `runner.start_job`, so they run
the same code. See docs/jobs.md for the contract a job function keeps (whole units of work per transaction).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ezhou_platform.common.roles import Role

if TYPE_CHECKING:
    from .context import JobContext, JobOutcome


class JobParamError(ValueError):
    """A parameter of a job is missing or wrong; the message names it in Chinese."""

    def __init__(self, message: str, *, field: str | None = None, code: str = "invalid_param") -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code


@dataclass(frozen=True)
class JobSpec:
    name: str
    label: str
    func: Callable[[JobContext], JobOutcome | None]
    roles: tuple[Role, ...]
    department: str | None = None
    resumable: bool = False
    citation: str = ""
    # Validates and normalises the parameters before the run is created (raise JobParamError); the result
    # is stored on the run as JSON, so it holds only JSON values.
    clean: Callable[[Mapping[str, Any]], dict[str, Any]] | None = None
    # The run needs an uploaded file (stored under the jobs folder before the worker picks it up).
    takes_file: bool = False
    file_label: str = "文件"
    description: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def clean_params(self, params: Mapping[str, Any]) -> dict[str, Any]:
        return dict(self.clean(params)) if self.clean is not None else dict(params)


_REGISTRY: dict[str, JobSpec] = {}


def job(
    name: str,
    *,
    label: str,
    roles: Iterable[Role | str],
    department: str | None = None,
    resumable: bool = False,
    citation: str = "",
    clean: Callable[[Mapping[str, Any]], dict[str, Any]] | None = None,
    takes_file: bool = False,
    file_label: str = "文件",
    description: str = "",
) -> Callable[[Callable[[JobContext], JobOutcome | None]], Callable[[JobContext], JobOutcome | None]]:
    """Register a job function under `name` (dotted, e.g. "registers.jurisdictions.import")."""

    def decorate(
        func: Callable[[JobContext], JobOutcome | None],
    ) -> Callable[[JobContext], JobOutcome | None]:
        spec = JobSpec(
            name=name,
            label=label,
            func=func,
            roles=tuple(Role(r) for r in roles),
            department=department,
            resumable=resumable,
            citation=citation,
            clean=clean,
            takes_file=takes_file,
            file_label=file_label,
            description=description,
        )
        existing = _REGISTRY.get(name)
        if existing is not None and existing.func.__qualname__ != func.__qualname__:
            raise ValueError(f"job {name!r} is already registered by {existing.func.__module__}")
        _REGISTRY[name] = spec
        return func

    return decorate


def get_job(name: str) -> JobSpec:
    try:
        return _REGISTRY[name]
    except KeyError:
        raise JobParamError(f"没有名为“{name}”的后台作业。", field="name", code="unknown_job") from None


def all_jobs() -> list[JobSpec]:
    return sorted(_REGISTRY.values(), key=lambda s: s.name)
