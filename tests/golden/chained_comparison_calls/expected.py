def chained_comparison_calls(x):
    calls = []
    def mid():
        ag__.converted_call(calls.append, ('mid',), None)
        return 10
    r = ag__.and_(lambda: 0 < x, lambda: (lambda cmp: ag__.and_(lambda: x < cmp, lambda: cmp < 20))(ag__.converted_call(mid, (), None)))
    return r, calls
