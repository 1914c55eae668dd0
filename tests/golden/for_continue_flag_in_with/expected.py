def for_continue_flag_in_with(items):
    s = 0
    def loop_body(x, s):
        continue_ = False
        with ag__.converted_call(_Ctx, (), None):
            def if_true():
                nonlocal continue_
                continue_ = True
            def if_false():
                nonlocal s
                s += x
            ag__.if_stmt(x % 2, if_true, if_false, (), (), in_place=('continue_', 's'))
        def if_true_1(s):
            s += 100
            return s
        s = ag__.if_stmt(ag__.not_(continue_), if_true_1, None, (s,), ('s',))
        return s
    s = ag__.for_stmt(items, None, loop_body, (s,), ('s',))
    return s
