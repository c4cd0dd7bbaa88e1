"""The supervision system's services, one module per procedure or topic:

- ``units``: the rules' unit table into the organisation register; resolving printed names through it;
- ``loading``: a plan's tasks from the policy library into the database, with its load report;
- ``assignments``: each item given to each unit, the deadline periods on the lead units' workspaces, the
  rest-day switch;
- ``tasklists``: the loaded plans as the rules' records and an engine over them;
- ``reports``: the report procedure (file, confirm, return);
- ``boards``: unit and plan boards, reminders, the leadership view, states over many dates;
- ``vocational``: 15号's count targets, progression and funding floors;
- ``sites`` and ``coverage``: 28号's delivery sites, dispersed villages, coverage, series, tree and phases;
- ``exports``: the Excel files.
"""
