def return_none_path(x):
    if x > 0:
        return x
