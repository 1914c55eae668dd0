def nested_ifs(x, y):
    if x > 0:
        if y > 0:
            z = x + y
        else:
            z = x - y
    else:
        if y > x:
            z = y
        else:
            z = x
    return z
