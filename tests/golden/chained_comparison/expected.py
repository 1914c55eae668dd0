def chained_comparison(a, b, c):
    return ag__.and_(lambda: a < b, lambda: b < c), ag__.and_(lambda: a <= b, lambda: b <= c), ag__.and_(lambda: a < b, lambda: b > c)
