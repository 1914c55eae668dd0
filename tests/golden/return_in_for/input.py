def return_in_for(items):
    for x in items:
        if x > 3:
            return x
    return -1
