"""One function per kind of control flow that autograph rewrites.

Each runs as plain Python on plain values; after `autograph convert` (or `ag.to_graph`)
the same code also builds graph ops when it is given graph tensors.
"""


def square_if_positive(x):
    if x > 0:
        x = x * x
    else:
        x = 0.0
    return x


def sum_even(items):
    s = 0
    for c in items:
        if c % 2 > 0:
            continue
        s += c
    return s


def first_negative(items):
    """The index of the first negative item, or -1 (an early return inside a loop)."""
    for i in range(len(items)):
        if items[i] < 0:
            return i
    return -1


def clip_count(items, low, high):
    """How many items fall outside [low, high] (`and`/`or`/`not` and a ternary)."""
    count = 0
    for x in items:
        outside = x < low or x > high
        count += 1 if outside and not x == 0 else 0
    return count


def countdown(n):
    """Counts n down to zero, stopping early at 3 (a `while` loop with `break`)."""
    steps = 0
    while n > 0:
        if n == 3:
            break
        n -= 1
        steps += 1
    return steps


if __name__ == "__main__":
    print(square_if_positive(3), square_if_positive(-2))
    print(sum_even([10, 12, 15, 20]))
    print(first_negative([4, 2, -1, 5]), first_negative([1, 2]))
    print(clip_count([-5, 0, 3, 9, 12], 0, 10))
    print(countdown(10), countdown(2))
