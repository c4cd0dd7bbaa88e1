"""The core kernel: money, working days, dated parameters, citations, trace, identifiers.

Framework-free: nothing here (or anywhere in ezhou_rules) imports Django; import-linter enforces it.
"""
