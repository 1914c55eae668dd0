def if_no_else(x):
    y = 1
    def if_true(y):
        y = x * 2
        return y
    y = ag__.if_stmt(x > 0, if_true, None, (y,), ('y',))
    return y
