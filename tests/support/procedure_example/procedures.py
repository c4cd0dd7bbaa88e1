from ezhou_platform.procedures import documents
from ezhou_platform.procedures.machine import Procedure, register

from .models import ExampleRequest

EXAMPLE = register(
    Procedure(
        slug="procedure_example.request",
        label="用水计划调整申请（示例）",
        model=ExampleRequest,
        department="water",
        document="鄂州政办发〔2022〕15号",
        path=(("received", "已受理"), ("verified", "已核实"), ("approved", "已核准")),
        endings=(("refused", "不予核准"),),
        applicant_user=lambda r: r.applicant,
        applicant_uscc=lambda r: r.uscc,
        title=lambda r: f"{r.name}用水计划调整申请",
    )
)

documents.register_kind(
    documents.DocumentKind(
        "procedure_example.decision", "用水计划调整决定书", "鄂水节调〔{year}〕{seq}号", department="water"
    )
)
