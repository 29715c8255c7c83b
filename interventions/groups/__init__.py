"""Interventions (groups): planning, editing, status, their staff, placements and staff rates."""
