"""Build scripts that turn the raw census files and boundary data into the committed data."""
