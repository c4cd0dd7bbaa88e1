"""Services of the subsidies system, one module per procedure: ``apply`` (online applications and the public
self-check), ``intake`` (batch applications: bank reports, imported files), ``ledger`` (keys and caps),
``review``, ``notices``, ``decisions``, ``payments``, ``clawback``, ``imports`` (the data holders' tables),
``exempt`` (第十六条 免申即享), ``whatif``, ``progress`` (the 发改委's dashboard) and ``tracking``. Pages, the API,
the CLI and the jobs call these functions; none of them saves a state field itself (the procedure layer does).
"""
