"""Procedures of 非常规水资源管理 (鄂州政办发〔2022〕14号), one module per procedure. Pages, the API, the jobs and
the command call these; every write is here, in one transaction, audited.

- ``projects``: 三同时 (第六条, 第八条, 第十七条)
- ``facilities``: the register, sources (第十三条), inspections (第二十二条), testing periods (第二十三条)
- ``library``: the standards library as data (第十一条, 第十八条)
- ``reports``: lab reports and their checks (第二十三条), usage
- ``stops``: stop notices (第二十条)
- ``violations``: the acts of 第二十四条 (第二十五条)
- ``interlock``: the water plan (15号 附件1 三（四）, 第八条第（四）项)
- ``config``: what administrators enter (laws, testing interval, prohibited industries)
"""
