"""Source rewrites, one Python construct per module; `pipeline` runs them in order."""
