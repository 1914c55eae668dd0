def for_tuple_target(pairs):
    s = 0
    for a, b in pairs:
        s += a - b
    return s
