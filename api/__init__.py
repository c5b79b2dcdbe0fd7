"""The Meldpunt API: where intakes from the assistant are stored, reviewed, routed and counted."""
