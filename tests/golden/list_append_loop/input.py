def list_append_loop(n):
    out = []
    for i in range(n):
        out.append(i * i)
    return out
