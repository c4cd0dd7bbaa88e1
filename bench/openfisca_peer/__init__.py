"""A minimal OpenFisca country package of 鄂州政办发〔2022〕34号 第十一条—第十三条, person-year form, written only
as the peer of ``bench/person_year.py`` (issue 15 item 1).

It runs in a throw-away venv (``/tmp/ofvenv``: ``python3 -m venv /tmp/ofvenv && /tmp/ofvenv/bin/pip install
openfisca-core numpy``), never in the project's: OpenFisca is not a dependency of the project, and nothing
under ``src/`` or ``tests/`` imports this package. Its parameter values are not written here: the benchmark
exports them from ``ezhou_rules.medical_assistance.parameters_tree.parameters()`` and hands them over as the
dict ``model.build_system`` loads, so there is one source of truth.
"""
