def return_with_break(items):
    do_return = False
    count = 0
    break_ = False
    retval_ = ag__.Undefined('retval_')
    def extra_test(break_, count, do_return, retval_):
        return ag__.and_(lambda: ag__.not_(do_return), lambda: ag__.not_(break_))
    def loop_body(x, break_, count, do_return, retval_):
        def if_true(break_, count, do_return, retval_):
            break_ = True
            return (break_, count, do_return, retval_)
        def if_false(break_, count, do_return, retval_):
            count += 1
            def if_true_1(do_return, retval_):
                do_return = True
                retval_ = -1
                return (do_return, retval_)
            do_return, retval_ = ag__.if_stmt(count > 10, if_true_1, None, (do_return, retval_), ('do_return', 'retval_'))
            return (break_, count, do_return, retval_)
        break_, count, do_return, retval_ = ag__.if_stmt(x % 2, if_true, if_false, (break_, count, do_return, retval_), ('break_', 'count', 'do_return', 'retval_'))
        return (break_, count, do_return, retval_)
    break_, count, do_return, retval_ = ag__.for_stmt(items, extra_test, loop_body, (break_, count, do_return, retval_), ('break_', 'count', 'do_return', 'retval_'))
    return ag__.if_exp(do_return, lambda: retval_, lambda: count)
