def if_temporary_in_branch(x):
    if x > 0:
        t = x * 3
        x = t + 1
    return x
