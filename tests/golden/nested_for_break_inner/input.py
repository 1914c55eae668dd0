def nested_for_break_inner(n):
    s = 0
    for i in range(n):
        for j in range(n):
            if j > i:
                break
            s += 1
    return s
