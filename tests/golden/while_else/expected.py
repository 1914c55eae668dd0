def while_else(n):
    i = 0
    found = -1
    break_ = False
    def loop_test(found, break_, i):
        return ag__.and_test(lambda: ag__.not_(break_), lambda: i < n)
    def loop_body(found, break_, i):
        def if_true(found, break_, i):
            found = i
            break_ = True
            return found, break_, i
        def if_false(found, break_, i):
            i += 1
            return found, break_, i
        found, break_, i = ag__.if_stmt(i == 12, if_true, if_false, (found, break_, i), ('found', 'break_', 'i'))
        return found, break_, i
    found, break_, i = ag__.while_stmt(loop_test, loop_body, (found, break_, i), ('found', 'break_', 'i'))
    def if_true_1(found):
        found = -2
        return found
    found = ag__.if_stmt(ag__.not_(break_), if_true_1, None, (found,), ('found',))
    return found
