"""The articles of 鄂州政办发〔2022〕34号 that the platform's steps, services and documents cite, in one place.

No Django imports: models (the steps' citations), services and templates read them alike."""

from __future__ import annotations

import datetime as dt

from ezhou_rules.medical_assistance.parameters_tree import DOCUMENT

MEDICAL = "medical_security"  # 医疗保障局
CIVIL_AFFAIRS = "civil_affairs"  # 民政局
RURAL = "rural_revitalization"  # 乡村振兴局

# The day 34号 took effect (issued and in force 2022-10-18): no step of this document records an earlier event.
IN_FORCE = dt.date(2022, 10, 18)

CITE_CLASSES = f"{DOCUMENT} 第四条"
CITE_RECOGNITION = f"{DOCUMENT} 第四条第八款"
CITE_CLASS_4 = f"{DOCUMENT} 第四条第六款"
CITE_CLASS_4_VALIDITY = f"{DOCUMENT} 第四条第七款"
CITE_SETTLE = f"{DOCUMENT} 第十一条"
CITE_TILTED = f"{DOCUMENT} 第十二条第一款"
CITE_WARNING = f"{DOCUMENT} 第十四条"
CITE_APPLICATION = f"{DOCUMENT} 第十五条第一款"
CITE_RETRO = f"{DOCUMENT} 第十五条第二款"
CITE_ONE_STOP = f"{DOCUMENT} 第十八条"
CITE_FUND = f"{DOCUMENT} 第二十三条第二款"

# 救济途径 of the decisions on medical assistance (interpretation M27): 34号 names none; 社会救助暂行办法 第六十五条 gives
# review and suit against any act of a social-assistance department, 行政复议法 第二十条、第二十四条 the 60 days and the
# city government as the reviewing body for a city department, 行政诉讼法 第四十六条 the six months.
REMEDY = (
    "如不服本决定，可以自收到本决定书之日起六十日内向鄂州市人民政府申请行政复议，"
    "或者自收到本决定书之日起六个月内依法向人民法院提起行政诉讼。"
)
