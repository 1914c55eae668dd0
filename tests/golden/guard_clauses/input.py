def guard_clauses(x):
    if x < 2:
        return 'tiny'
    if x < 6:
        return 'small'
    if x < 10:
        return 'medium'
    return 'large'
