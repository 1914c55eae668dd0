def for_range(n):
    s = 0
    for i in range(n):
        s = s + i * i
    return s
