def nested_for_break_inner(n):
    s = 0
    def loop_body(i, s):
        break_ = False
        def extra_test(break_, s):
            return ag__.not_(break_)
        def loop_body_1(j, break_, s):
            def if_true(break_, s):
                break_ = True
                return break_, s
            def if_false(break_, s):
                s += 1
                return break_, s
            break_, s = ag__.if_stmt(j > i, if_true, if_false, (break_, s), ('break_', 's'))
            return break_, s
        break_, s = ag__.for_stmt(ag__.converted_call(range, (n,), None), extra_test, loop_body_1, (break_, s), ('break_', 's'))
        return s
    s = ag__.for_stmt(ag__.converted_call(range, (n,), None), None, loop_body, (s,), ('s',))
    return s
