"""The district summary: every school МО's key figures of a year side by side, as a page, a PDF
and an XLSX whose totals are formulas (issue 14, point 5)."""
