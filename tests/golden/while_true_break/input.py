def while_true_break(n):
    i = 0
    while True:
        i += 7
        if i > n:
            break
    return i
