"""The documentation checklist of an association's year against §6 of the regulation."""
