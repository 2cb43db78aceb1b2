#!/bin/sh
# The long fuzzing run (issue 5): the properties in tests/test_fuzz.py with many more examples
# than the everyday suite's 60, and Hypothesis free to pick new inputs on every run.
#
#   benchmarks/fuzz_long.sh            # 2000 examples per property
#   benchmarks/fuzz_long.sh 20000      # as many as you like
#   benchmarks/fuzz_long.sh 5000 -k lint   # extra arguments go to pytest
#
# A failure prints the smallest input that breaks binatsec; add it to tests/test_reliability.py
# (or to tests/test_fuzz.py with @example) when you fix it.
set -eu
cd "$(dirname "$0")/.."
examples="${1:-2000}"
[ "$#" -gt 0 ] && shift
python="${PYTHON:-/tmp/venv/bin/python}"
[ -x "$python" ] || python=python3
BINATSEC_FUZZ_EXAMPLES="$examples" exec "$python" -m pytest -q -p no:cacheprovider \
    --hypothesis-show-statistics tests/test_fuzz.py "$@"
