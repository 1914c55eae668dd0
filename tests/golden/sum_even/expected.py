def sum_even(items):
    s = 0
    def loop_body(c, s):
        def if_true(s):
            s += c
            return s
        s = ag__.if_stmt(ag__.not_(c % 2 > 0), if_true, None, (s,), ('s',))
        return s
    s = ag__.for_stmt(items, None, loop_body, (s,), ('s',))
    return s
