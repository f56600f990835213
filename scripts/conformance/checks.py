"""What the SDK conformance scripts share: one line per check, exit non-zero on the first failure."""

import sys


def check(name, condition, detail=""):
    print(("ok   " if condition else "FAIL ") + name + (f": {detail}" if detail and not condition else ""))
    if not condition:
        sys.exit(1)
