"""Pages of the licensing system, by who uses them: the public, enterprises, window clerks and supervisors,
the credit office, oversight and configuration."""
