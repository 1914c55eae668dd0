def square_if_positive(x):
    if x > 0:
        x = x * x
    else:
        x = 0.0
    return x
