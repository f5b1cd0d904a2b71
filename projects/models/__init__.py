"""A funded project after the award, one module per part of its life: the grant, its
agreement, signatures and payments (grants); what was spent (spending); changes
(amendments); reports; the settlement."""

from projects.models.amendments import *  # noqa: F403
from projects.models.finance_summary import *  # noqa: F403
from projects.models.grants import *  # noqa: F403
from projects.models.grants import MONEY, NOTE_LENGTH  # noqa: F401
from projects.models.reports import *  # noqa: F403
from projects.models.settlements import *  # noqa: F403
from projects.models.spending import *  # noqa: F403
