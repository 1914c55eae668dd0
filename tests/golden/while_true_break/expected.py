def while_true_break(n):
    i = 0
    break_ = False
    def loop_test(i, break_):
        return ag__.not_(break_)
    def loop_body(i, break_):
        i += 7
        def if_true(break_):
            break_ = True
            return break_
        break_ = ag__.if_stmt(i > n, if_true, None, (break_,), ('break_',))
        return i, break_
    i, break_ = ag__.while_stmt(loop_test, loop_body, (i, break_), ('i', 'break_'))
    return i
