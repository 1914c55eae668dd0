def return_with_break(items):
    do_return = False
    count = 0
    break_ = False
    retval_ = ag__.Undefined('retval_')
    def extra_test(break_, count, retval_, do_return):
        return ag__.and_(lambda: ag__.not_(do_return), lambda: ag__.not_(break_))
    def loop_body(x, break_, count, retval_, do_return):
        def if_true(break_, count, retval_, do_return):
            break_ = True
            return break_, count, retval_, do_return
        def if_false(break_, count, retval_, do_return):
            count += 1
            def if_true_1(retval_, do_return):
                retval_ = -1
                do_return = True
                return retval_, do_return
            retval_, do_return = ag__.if_stmt(count > 10, if_true_1, None, (retval_, do_return), ('retval_', 'do_return'))
            return break_, count, retval_, do_return
        break_, count, retval_, do_return = ag__.if_stmt(x % 2, if_true, if_false, (break_, count, retval_, do_return), ('break_', 'count', 'retval_', 'do_return'))
        return break_, count, retval_, do_return
    break_, count, retval_, do_return = ag__.for_stmt(items, extra_test, loop_body, (break_, count, retval_, do_return), ('break_', 'count', 'retval_', 'do_return'))
    return ag__.if_exp(do_return, lambda: retval_, lambda: count)
