def for_target_after_loop(items):
    x = -1
    def loop_body(itr, x):
        x = itr
        pass
        return x
    x = ag__.for_stmt(items, None, loop_body, (x,), ('x',))
    return x
