def while_continue(n):
    i = 0
    s = 0
    def loop_test(i, s):
        return i < n
    def loop_body(i, s):
        i += 1
        def if_true(s):
            s += i
            return s
        s = ag__.if_stmt(ag__.not_(i % 3 == 0), if_true, None, (s,), ('s',))
        return i, s
    i, s = ag__.while_stmt(loop_test, loop_body, (i, s), ('i', 's'))
    return s
