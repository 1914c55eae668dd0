def del_statement(x):
    y = x * 2
    z = y + 1
    y = ag__.Undefined('y')
    return z
