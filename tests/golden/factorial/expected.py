def factorial(n):
    retval_ = ag__.Undefined('retval_')
    def if_true(retval_):
        retval_ = 1
        return retval_
    def if_false(retval_):
        retval_ = n * ag__.converted_call(factorial, (n - 1,), None)
        return retval_
    retval_ = ag__.if_stmt(n <= 1, if_true, if_false, (retval_,), ('retval_',))
    return retval_
