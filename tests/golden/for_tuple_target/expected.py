def for_tuple_target(pairs):
    s = 0
    def loop_body(itr, s):
        a, b = itr
        s += a - b
        return s
    s = ag__.for_stmt(pairs, None, loop_body, (s,), ('s',))
    return s
