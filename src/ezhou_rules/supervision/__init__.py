"""Task supervision (督办) of the city's implementation plans: framework-free rules.

One engine for every plan: tasks read from the policy library (``tasks.load_tasks``), their consistency
between main text and annex (``consistency``), deadlines and the rest-day switch (``deadlines``), task state on
any date from the units' reports (``state``), boards and the leadership's counts (``boards``), count targets
with evidence (``targets``) and the plan's phases (``phases``). Per-document rules live in sub-packages of the
same slug as ``gazette/<slug>.md``: ``vocational_education`` (鄂州政发〔2022〕15号: progression, funding
floors) and ``rural_delivery`` (鄂州政办发〔2022〕28号: sites and coverage).
"""
