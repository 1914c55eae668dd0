def for_break(items):
    found = -1
    break_ = False
    def extra_test(found, break_):
        return ag__.not_(break_)
    def loop_body(x, found, break_):
        def if_true(found, break_):
            found = x
            break_ = True
            return found, break_
        found, break_ = ag__.if_stmt(x > 4, if_true, None, (found, break_), ('found', 'break_'))
        return found, break_
    found, break_ = ag__.for_stmt(items, extra_test, loop_body, (found, break_), ('found', 'break_'))
    return found
