def if_multiple_vars(a, b):
    c = ag__.Undefined('c')
    def if_true(a, b, c):
        a, b = (b, a)
        c = a * b
        return a, b, c
    def if_false(a, b, c):
        c = a - b
        return a, b, c
    a, b, c = ag__.if_stmt(a > 0, if_true, if_false, (a, b, c), ('a', 'b', 'c'))
    return a, b, c
