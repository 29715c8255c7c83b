"""Session logs: today's sessions, logging a session with its attendance, a group's history."""
