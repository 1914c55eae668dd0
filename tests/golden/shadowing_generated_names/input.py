def shadowing_generated_names(if_true):
    loop_body = 0
    for retval_ in range(if_true):
        loop_body += retval_
    if loop_body > 1:
        if_false = 1
    else:
        if_false = 2
    return if_false + loop_body
