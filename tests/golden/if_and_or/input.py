def if_and_or(a, b):
    if a > 0 and b > 0 and a < b:
        r = 1
    elif a == b or a > 6:
        r = 2
    else:
        r = 3
    return r
