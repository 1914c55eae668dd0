def while_break(n):
    i = 0
    break_ = False
    def loop_test(break_, i):
        return ag__.and_test(lambda: ag__.not_(break_), lambda: i < n)
    def loop_body(break_, i):
        def if_true(break_, i):
            break_ = True
            return break_, i
        def if_false(break_, i):
            i += 1
            return break_, i
        break_, i = ag__.if_stmt(i * i > 20, if_true, if_false, (break_, i), ('break_', 'i'))
        return break_, i
    break_, i = ag__.while_stmt(loop_test, loop_body, (break_, i), ('break_', 'i'))
    return i
