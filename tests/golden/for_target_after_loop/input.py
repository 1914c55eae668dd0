def for_target_after_loop(items):
    x = -1
    for x in items:
        pass
    return x
