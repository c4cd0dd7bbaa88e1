"""Services of the licensing system, one module per procedure (pages, the API, jobs and the CLI call them).

- ``rules``: the rules layer's tables built from the configuration rows (catalogue, periods, issuing bodies,
  schemes, credit policy, partial scopes, item risks);
- ``catalogue``: loading the reform list from the policy library (versioned, with its report);
- ``config``: entering dated configuration (checked by the rules before it is stored);
- ``applications``: filing, the one-time notice, the commitment and the decision;
- ``supervision``: materials, qualification, verification, rectification, revocation, the overdue sweep;
- ``credit``: credit records, the credit bar and the push export;
- ``draws``: 双随机、一公开 draws and their verification;
- ``oversight``: figures per item, department and district.
"""

from ezhou_rules.licensing.errors import LicensingError, NotConfigured

__all__ = ["LicensingError", "NotConfigured"]
