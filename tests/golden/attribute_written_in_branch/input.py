from conversion_corpus import _Counter  # a helper class of the corpus


def attribute_written_in_branch(x):
    c = _Counter()
    if x > 0:
        c.step = c.step + x
    else:
        c.level = c.level - 1
    return c.step, c.level
