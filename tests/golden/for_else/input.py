def for_else(items):
    for x in items:
        if x > 4:
            r = x
            break
    else:
        r = 0
    return r
