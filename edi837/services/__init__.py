"""Services: each one job a command calls (build, check, validate, ...), orchestrating the
layers below. Commands stay thin; the work and its atomicity live here."""
