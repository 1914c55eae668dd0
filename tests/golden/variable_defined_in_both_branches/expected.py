def variable_defined_in_both_branches(x):
    y = ag__.Undefined('y')
    def if_true(y):
        y = x
        return y
    def if_false(y):
        y = -x
        return y
    y = ag__.if_stmt(x > 0, if_true, if_false, (y,), ('y',))
    return y
