"""Whether an organisation falls under the rijksbrede KCOO, as the assistant tells the person.

The rules live in api/organisations.py (one list for the API and the assistant); this module only
maps its answer onto the slot values.
"""

from __future__ import annotations

from api.organisations import falls_under_kcoo


def kcoo_status(organisation: str) -> str:
    """'ja', 'nee', or 'onbekend' where the name alone cannot tell (parts of JenV, unknown names)."""
    answer = falls_under_kcoo(organisation)
    return "onbekend" if answer is None else ("ja" if answer else "nee")
