def chained_comparison(a, b, c):
    return a < b < c, a <= b <= c, a < b > c
