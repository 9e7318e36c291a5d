"""newslake flows and the command line."""
