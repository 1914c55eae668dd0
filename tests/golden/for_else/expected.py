def for_else(items):
    break_ = False
    r = ag__.Undefined('r')
    def extra_test(r, break_):
        return ag__.not_(break_)
    def loop_body(x, r, break_):
        def if_true(r, break_):
            r = x
            break_ = True
            return r, break_
        r, break_ = ag__.if_stmt(x > 4, if_true, None, (r, break_), ('r', 'break_'))
        return r, break_
    r, break_ = ag__.for_stmt(items, extra_test, loop_body, (r, break_), ('r', 'break_'))
    def if_true_1(r):
        r = 0
        return r
    r = ag__.if_stmt(ag__.not_(break_), if_true_1, None, (r,), ('r',))
    return r
