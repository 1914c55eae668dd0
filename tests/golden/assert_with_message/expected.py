def assert_with_message(x):
    ag__.assert_stmt(x > 0, lambda: 'x must be positive, got %d' % x)
    return x
