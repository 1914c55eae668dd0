def guard_clauses(x):
    retval_ = ag__.Undefined('retval_')
    def if_true(retval_):
        retval_ = 'tiny'
        return retval_
    def if_false(retval_):
        def if_true_1(retval_):
            retval_ = 'small'
            return retval_
        def if_false_1(retval_):
            def if_true_2(retval_):
                retval_ = 'medium'
                return retval_
            def if_false_2(retval_):
                retval_ = 'large'
                return retval_
            retval_ = ag__.if_stmt(x < 10, if_true_2, if_false_2, (retval_,), ('retval_',))
            return retval_
        retval_ = ag__.if_stmt(x < 6, if_true_1, if_false_1, (retval_,), ('retval_',))
        return retval_
    retval_ = ag__.if_stmt(x < 2, if_true, if_false, (retval_,), ('retval_',))
    return retval_
