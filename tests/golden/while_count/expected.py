def while_count(n):
    i = 0
    s = 0
    def loop_test(s, i):
        return i < n
    def loop_body(s, i):
        s += i
        i += 1
        return s, i
    s, i = ag__.while_stmt(loop_test, loop_body, (s, i), ('s', 'i'))
    return s
