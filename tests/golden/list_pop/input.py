def list_pop(items):
    items = list(items)
    last = items.pop()
    items.pop()
    return last, items
