"""The methodologist's dashboard on the home page (issue 14, point 6): the district's plans and
analyses by status, overdue decisions by school, attestation due, and three charts — each
figure a link to the list behind it. `selectors.dashboard` reads it in a fixed number of queries;
`charts` lays out its pictures with `reports.monitoring.charts.grouped_bars`."""
