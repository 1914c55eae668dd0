def deeply_nested(n):
    s = 0
    for i in range(n):
        if i % 2 == 0:
            j = 0
            while j < i:
                if j == 1:
                    j += 1
                    continue
                s += j
                j += 1
        else:
            for k in range(i):
                if k > 3:
                    break
                s -= k
    return s
