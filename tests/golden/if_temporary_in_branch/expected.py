def if_temporary_in_branch(x):
    def if_true(x):
        t = x * 3
        x = t + 1
        return x
    x = ag__.if_stmt(x > 0, if_true, None, (x,), ('x',))
    return x
