def if_and_or(a, b):
    r = ag__.Undefined('r')
    def if_true(r):
        r = 1
        return r
    def if_false(r):
        def if_true_1(r):
            r = 2
            return r
        def if_false_1(r):
            r = 3
            return r
        r = ag__.if_stmt(ag__.or_test(lambda: a == b, lambda: a > 6), if_true_1, if_false_1, (r,), ('r',))
        return r
    r = ag__.if_stmt(ag__.and_test(lambda: a > 0, lambda: b > 0, lambda: a < b), if_true, if_false, (r,), ('r',))
    return r
