"""Pages of 保障性租赁住房, by procedure: `public` (announcements, publicity, calculators), `portal` (citizens and
enterprises), `applications` (the application procedure for operators and housing staff), `tenancy` (contracts,
先租后售), `supervision` (repairs, complaints, inspections and findings), `plan` (the sourcing dashboard and
the deadline board), `imports` (background jobs), `records` (one address per record). Views validate input
and call `..services`; every write is there."""
