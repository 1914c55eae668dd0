def list_append_loop(n):
    out = []
    def loop_body(i, out):
        out = ag__.list_append(out, i * i)
        return out
    out = ag__.for_stmt(ag__.converted_call(range, (n,), None), None, loop_body, (out,), ('out',))
    return out
