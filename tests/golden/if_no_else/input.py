def if_no_else(x):
    y = 1
    if x > 0:
        y = x * 2
    return y
