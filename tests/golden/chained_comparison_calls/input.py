def chained_comparison_calls(x):
    calls = []

    def mid():
        calls.append('mid')
        return 10
    r = 0 < x < mid() < 20
    return r, calls
