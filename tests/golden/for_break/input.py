def for_break(items):
    found = -1
    for x in items:
        if x > 4:
            found = x
            break
    return found
