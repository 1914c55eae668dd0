def return_with_break(items):
    count = 0
    for x in items:
        if x % 2:
            break
        count += 1
        if count > 10:
            return -1
    return count
