"""Data-protection records: a pupil's data as a zip, erasing records past their retention."""
