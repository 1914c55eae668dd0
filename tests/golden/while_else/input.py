def while_else(n):
    i = 0
    found = -1
    while i < n:
        if i == 12:
            found = i
            break
        i += 1
    else:
        found = -2
    return found
