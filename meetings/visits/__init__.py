"""A visit's link to the meeting visited: `associations.Visit` is a record of the organisation's
app, and its link to a meeting (`meetings.MeetingVisit`) lives here, so that the dependency points
one way (meetings → associations)."""
