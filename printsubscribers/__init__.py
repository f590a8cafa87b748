"""A way in: the print subscription list, ending in an access grant."""
