def closure_maybe_unassigned(n):
    scale = lambda: limit * 2
    if n > 2:
        limit = n
    if n > 0:
        return limit + scale()
    return 0
