def square_if_positive(x):
    def if_true(x):
        x = x * x
        return x
    def if_false(x):
        x = 0.0
        return x
    x = ag__.if_stmt(x > 0, if_true, if_false, (x,), ('x',))
    return x
