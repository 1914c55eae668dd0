def if_elif_else(x):
    r = ag__.Undefined('r')
    def if_true(r):
        r = 1
        return r
    def if_false(r):
        def if_true_1(r):
            r = -1
            return r
        def if_false_1(r):
            r = 0
            return r
        r = ag__.if_stmt(x < 0, if_true_1, if_false_1, (r,), ('r',))
        return r
    r = ag__.if_stmt(x > 0, if_true, if_false, (r,), ('r',))
    return r
