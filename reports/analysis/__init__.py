"""The annual analysis of an association's work (issue 14): its figures, computed from the year's
records (`reports.analysis.figures`); the narrative, the review and the documents come next."""
