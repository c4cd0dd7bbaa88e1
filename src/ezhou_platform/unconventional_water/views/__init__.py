"""Pages of 非常规水资源管理, one module per audience: ``public`` (everyone), ``projects`` (developers and clerks),
``facilities`` (operators and clerks), ``clerk`` (the department's lists, violations, reminders, interlock,
jobs), ``standards`` (the library and the configuration), ``exports`` (Excel)."""
