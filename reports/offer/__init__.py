"""The support offer for parents: built from the map, previewed, published, read in public."""
