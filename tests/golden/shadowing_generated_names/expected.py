def shadowing_generated_names(if_true):
    loop_body = 0
    def loop_body_1(retval_, loop_body):
        loop_body += retval_
        return loop_body
    loop_body = ag__.for_stmt(ag__.converted_call(range, (if_true,), None), None, loop_body_1, (loop_body,), ('loop_body',))
    if_false = ag__.Undefined('if_false')
    def if_true_1(if_false):
        if_false = 1
        return if_false
    def if_false_1(if_false):
        if_false = 2
        return if_false
    if_false = ag__.if_stmt(loop_body > 1, if_true_1, if_false_1, (if_false,), ('if_false',))
    return if_false + loop_body
