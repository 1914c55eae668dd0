def nested_ifs(x, y):
    z = ag__.Undefined('z')
    def if_true(z):
        def if_true_1(z):
            z = x + y
            return z
        def if_false_1(z):
            z = x - y
            return z
        z = ag__.if_stmt(y > 0, if_true_1, if_false_1, (z,), ('z',))
        return z
    def if_false(z):
        def if_true_2(z):
            z = y
            return z
        def if_false_2(z):
            z = x
            return z
        z = ag__.if_stmt(y > x, if_true_2, if_false_2, (z,), ('z',))
        return z
    z = ag__.if_stmt(x > 0, if_true, if_false, (z,), ('z',))
    return z
