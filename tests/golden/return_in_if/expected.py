def return_in_if(x):
    retval_ = ag__.Undefined('retval_')
    def if_true(retval_):
        retval_ = x
        return retval_
    def if_false(retval_):
        y = -x
        retval_ = y * 2
        return retval_
    retval_ = ag__.if_stmt(x > 0, if_true, if_false, (retval_,), ('retval_',))
    return retval_
