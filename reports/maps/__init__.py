"""The provision map: built from the database, shown on screen, exported, copied forward."""
