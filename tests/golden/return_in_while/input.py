def return_in_while(n):
    i = 0
    while i < n:
        if i * i > 10:
            return i
        i += 1
    return -1
