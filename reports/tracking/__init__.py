"""Assessment data as pages: who needs support, tracking grids, a pupil's progress, the gap."""
