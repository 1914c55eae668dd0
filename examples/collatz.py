"""The Collatz sequence: plain Python that `autograph convert` turns into graph-ready code.

    autograph convert examples/collatz.py               # print the converted module
    autograph convert examples/collatz.py -o out.py     # write it; `python out.py` prints
                                                        # the same as `python collatz.py`
"""


def collatz_steps(n):
    """How many steps the Collatz rule takes to bring n down to 1."""
    steps = 0
    while n != 1:
        if n % 2 == 0:
            n = n // 2
        else:
            n = 3 * n + 1
        steps += 1
    return steps


def longest_below(limit):
    """The start below `limit` with the most Collatz steps, and that number of steps."""
    best, best_steps = 1, 0
    for start in range(1, limit):
        steps = collatz_steps(start)
        if steps > best_steps:
            best, best_steps = start, steps
    return best, best_steps


if __name__ == "__main__":
    print("steps from 27:", collatz_steps(27))
    print("longest below 100:", longest_below(100))
