"""The programme catalogue (the resource finder) and who is trained to deliver what."""
