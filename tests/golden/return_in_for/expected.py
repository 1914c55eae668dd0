def return_in_for(items):
    do_return = False
    retval_ = ag__.Undefined('retval_')
    def extra_test(retval_, do_return):
        return ag__.not_(do_return)
    def loop_body(x, retval_, do_return):
        def if_true(retval_, do_return):
            retval_ = x
            do_return = True
            return retval_, do_return
        retval_, do_return = ag__.if_stmt(x > 3, if_true, None, (retval_, do_return), ('retval_', 'do_return'))
        return retval_, do_return
    retval_, do_return = ag__.for_stmt(items, extra_test, loop_body, (retval_, do_return), ('retval_', 'do_return'))
    return ag__.if_exp(do_return, lambda: retval_, lambda: -1)
