def closure_reads_loop_updates(n):
    total = 0
    current = lambda: total
    checks = 0
    def loop_body(i, checks):
        nonlocal total
        total += i
        checks = checks + ag__.converted_call(current, (), None)
        return checks
    checks = ag__.for_stmt(ag__.converted_call(range, (n,), None), None, loop_body, (checks,), ('checks',), in_place=('total',))
    return checks, ag__.converted_call(current, (), None)
