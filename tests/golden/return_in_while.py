def return_in_while(n):
    do_return = False
    i = 0
    retval_ = ag__.Undefined('retval_')
    def loop_test(do_return, retval_, i):
        return ag__.and_(lambda: ag__.not_(do_return), lambda: i < n)
    def loop_body(do_return, retval_, i):
        def if_true(do_return, retval_, i):
            do_return = True
            retval_ = i
            return (do_return, retval_, i)
        def if_false(do_return, retval_, i):
            i += 1
            return (do_return, retval_, i)
        do_return, retval_, i = ag__.if_stmt(i * i > 10, if_true, if_false, (do_return, retval_, i), ('do_return', 'retval_', 'i'))
        return (do_return, retval_, i)
    do_return, retval_, i = ag__.while_stmt(loop_test, loop_body, (do_return, retval_, i), ('do_return', 'retval_', 'i'))
    return ag__.if_exp(do_return, lambda: retval_, lambda: -1)
