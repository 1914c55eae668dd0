def item_written_in_loop(n):
    totals = {'sum': 0, 'count': 0}
    i = 0
    while i < n:
        totals['sum'] += i
        totals['count'] = totals['count'] + 1
        i += 1
    return totals['sum'], totals['count']
