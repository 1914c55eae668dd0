def for_range(n):
    s = 0
    def loop_body(i, s):
        s = s + i * i
        return s
    s = ag__.for_stmt(ag__.converted_call(range, (n,), None), None, loop_body, (s,), ('s',))
    return s
