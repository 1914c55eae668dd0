def if_multiple_vars(a, b):
    if a > 0:
        a, b = b, a
        c = a * b
    else:
        c = a - b
    return a, b, c
