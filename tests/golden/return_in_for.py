def return_in_for(items):
    do_return = False
    retval_ = ag__.Undefined('retval_')
    def extra_test(do_return, retval_):
        return ag__.not_(do_return)
    def loop_body(x, do_return, retval_):
        def if_true(do_return, retval_):
            do_return = True
            retval_ = x
            return (do_return, retval_)
        do_return, retval_ = ag__.if_stmt(x > 3, if_true, None, (do_return, retval_), ('do_return', 'retval_'))
        return (do_return, retval_)
    do_return, retval_ = ag__.for_stmt(items, extra_test, loop_body, (do_return, retval_), ('do_return', 'retval_'))
    return ag__.if_exp(do_return, lambda: retval_, lambda: -1)
