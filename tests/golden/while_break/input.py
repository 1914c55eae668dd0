def while_break(n):
    i = 0
    while i < n:
        if i * i > 20:
            break
        i += 1
    return i
