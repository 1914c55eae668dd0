def closure_counter(n):
    count = 0

    def inc():
        nonlocal count
        count += 1
    for _ in range(n):
        inc()
    return count
