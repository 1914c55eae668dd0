def variable_defined_in_both_branches(x):
    if x > 0:
        y = x
    else:
        y = -x
    return y
