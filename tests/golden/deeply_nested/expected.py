def deeply_nested(n):
    s = 0
    def loop_body(i, s):
        def if_true(s):
            j = 0
            def loop_test(j, s):
                return j < i
            def loop_body_1(j, s):
                def if_true_1(j, s):
                    j += 1
                    return j, s
                def if_false_1(j, s):
                    s += j
                    j += 1
                    return j, s
                j, s = ag__.if_stmt(j == 1, if_true_1, if_false_1, (j, s), ('j', 's'))
                return j, s
            j, s = ag__.while_stmt(loop_test, loop_body_1, (j, s), ('j', 's'))
            return s
        def if_false(s):
            break_ = False
            def extra_test(break_, s):
                return ag__.not_(break_)
            def loop_body_2(k, break_, s):
                def if_true_2(break_, s):
                    break_ = True
                    return break_, s
                def if_false_2(break_, s):
                    s -= k
                    return break_, s
                break_, s = ag__.if_stmt(k > 3, if_true_2, if_false_2, (break_, s), ('break_', 's'))
                return break_, s
            break_, s = ag__.for_stmt(ag__.converted_call(range, (i,), None), extra_test, loop_body_2, (break_, s), ('break_', 's'))
            return s
        s = ag__.if_stmt(i % 2 == 0, if_true, if_false, (s,), ('s',))
        return s
    s = ag__.for_stmt(ag__.converted_call(range, (n,), None), None, loop_body, (s,), ('s',))
    return s
