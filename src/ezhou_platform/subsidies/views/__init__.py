"""Pages of the subsidies system, by who uses them: public, applicants, reviewers (cases), acts over many
applications (batches), data and jobs, progress."""
