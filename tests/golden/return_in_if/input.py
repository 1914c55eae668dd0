def return_in_if(x):
    if x > 0:
        return x
    y = -x
    return y * 2
