def attribute_written_in_branch(x):
    c = ag__.converted_call(_Counter, (), None)
    def if_true():
        c.step = c.step + x
    def if_false():
        c.level = c.level - 1
    ag__.if_stmt(x > 0, if_true, if_false, (), (), in_place=('c.step', 'c.level'))
    return c.step, c.level
