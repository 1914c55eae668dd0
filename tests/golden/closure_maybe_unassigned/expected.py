def closure_maybe_unassigned(n):
    limit = ag__.Undefined('limit')
    scale = lambda: ag__.ld(limit, free=True) * 2
    limit = ag__.Undefined('limit')
    def if_true():
        nonlocal limit
        limit = n
    ag__.if_stmt(n > 2, if_true, None, (), (), in_place=('limit',))
    retval_ = ag__.Undefined('retval_')
    def if_true_1(retval_):
        retval_ = ag__.ld(limit) + ag__.converted_call(scale, (), None)
        return retval_
    def if_false(retval_):
        retval_ = 0
        return retval_
    retval_ = ag__.if_stmt(n > 0, if_true_1, if_false, (retval_,), ('retval_',))
    return retval_
