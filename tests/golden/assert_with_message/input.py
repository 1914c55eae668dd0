def assert_with_message(x):
    assert x > 0, 'x must be positive, got %d' % x
    return x
