def closure_counter(n):
    count = 0
    def inc():
        nonlocal count
        count += 1
    def loop_body(_):
        ag__.converted_call(inc, (), None)
    ag__.for_stmt(ag__.converted_call(range, (n,), None), None, loop_body, (), ())
    return count
