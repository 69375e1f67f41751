"""`python -m budgeting.counting FILE.pb[.gz] [--rule R] [--json]`: see `budgeting.counting.cli`."""

import os
import sys

# A count takes a fraction of a second: OpenBLAS's threads cost more to start and keep busy
# than they save (measured on Budapest 2024: 0.40 s of CPU with them, 0.25 s without).
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from budgeting.counting.cli import main  # noqa: E402  (numpy reads the variable on import)

sys.exit(main())
