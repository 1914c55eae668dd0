def del_statement(x):
    y = x * 2
    z = y + 1
    del y
    return z
