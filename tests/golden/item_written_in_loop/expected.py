def item_written_in_loop(n):
    totals = {'sum': 0, 'count': 0}
    i = 0
    def loop_test(i):
        return i < n
    def loop_body(i):
        totals['sum'] += i
        totals['count'] = totals['count'] + 1
        i += 1
        return i
    i = ag__.while_stmt(loop_test, loop_body, (i,), ('i',), in_place=("totals['sum']", "totals['count']"))
    return totals['sum'], totals['count']
