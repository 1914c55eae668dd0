def return_none_path(x):
    retval_ = None
    def if_true(retval_):
        retval_ = x
        return retval_
    retval_ = ag__.if_stmt(x > 0, if_true, None, (retval_,), ('retval_',))
    return retval_
