def list_pop(items):
    items = ag__.converted_call(list, (items,), None)
    items, last = ag__.list_pop(items)
    items, _ = ag__.list_pop(items)
    return last, items
