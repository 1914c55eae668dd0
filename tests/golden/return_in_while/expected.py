def return_in_while(n):
    do_return = False
    i = 0
    retval_ = ag__.Undefined('retval_')
    def loop_test(retval_, do_return, i):
        return ag__.and_test(lambda: ag__.not_(do_return), lambda: i < n)
    def loop_body(retval_, do_return, i):
        def if_true(retval_, do_return, i):
            retval_ = i
            do_return = True
            return retval_, do_return, i
        def if_false(retval_, do_return, i):
            i += 1
            return retval_, do_return, i
        retval_, do_return, i = ag__.if_stmt(i * i > 10, if_true, if_false, (retval_, do_return, i), ('retval_', 'do_return', 'i'))
        return retval_, do_return, i
    retval_, do_return, i = ag__.while_stmt(loop_test, loop_body, (retval_, do_return, i), ('retval_', 'do_return', 'i'))
    return ag__.if_exp(do_return, lambda: retval_, lambda: -1)
