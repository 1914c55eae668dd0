def closure_reads_loop_updates(n):
    total = 0
    current = lambda: total
    checks = 0
    for i in range(n):
        total += i
        checks = checks + current()
    return checks, current()
