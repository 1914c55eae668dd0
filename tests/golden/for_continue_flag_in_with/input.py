from conversion_corpus import _Ctx  # a helper class of the corpus


def for_continue_flag_in_with(items):
    s = 0
    for x in items:
        with _Ctx():
            if x % 2:
                continue
            s += x
        s += 100
    return s
