"""Names of the roles that are Django groups."""

# Programme staff who design calls, run the formal check and issue decisions.
COORDINATORS_GROUP = "coordinators"
