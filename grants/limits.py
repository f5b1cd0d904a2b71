"""How much one application may hold, in any call: rows of its tables and length of answers.

A call already sets some limits of its own (how many attachments, how large);
these hold for every call. A mini-grant is a few thousand złoty for a project of
a few months, and the numbers below are several times what such a project has
ever needed (the demo programme's applications, modelled on real ones, have at
most 7 budget lines, 4 schedule rows and 5 group members). They keep every application readable by a reviewer in one
sitting and its PDF a few pages long: the application that took the PDF
renderer down had 160 budget lines and 320 schedule rows.

The forms state these numbers beside the tables and the services refuse more,
so a crafted request can't get past them either.
"""

# A budget line is a kind of cost ("paints, 12 l"), not every receipt.
MAX_BUDGET_LINES = 40
# Weekly steps of a ten-month project would still fit.
MAX_SCHEDULE_ROWS = 40
# An informal group is 3 to 10 people; a whole school class still fits.
MAX_GROUP_MEMBERS = 30
# The longest answer to a call's own question, whatever limit the coordinator
# sets: as long as the form's longest field (the activities, 5,000 characters).
MAX_ANSWER_LENGTH = 5000
# A call's own questions, on top of the form's nine text sections.
MAX_CALL_QUESTIONS = 20
# Indicators a call requires every application to plan: the few its funder reports on.
MAX_CALL_INDICATORS = 10
# Indicators an applicant adds of their own, on top of the call's: a report reads
# 3 to 6 well; 15 leaves room without turning the form into a spreadsheet.
MAX_OWN_INDICATORS = 15
# Documents a call offers for download (regulations, templates) and how large each may be:
# the regulations with annexes of the calls we modelled on run to 1–3 MB as PDF.
MAX_CALL_DOCUMENTS = 15
MAX_CALL_DOCUMENT_MB = 10
# Questions and answers on a call's page: a good FAQ is read to the end.
MAX_CALL_FAQ_ENTRIES = 30
