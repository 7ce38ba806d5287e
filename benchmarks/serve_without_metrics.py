"""`intent serve` less the request metrics: the other side of `ops_bench clients`.

python -m benchmarks.serve_without_metrics --port 8080
"""

import sys
from unittest.mock import patch

from benchmarks.ops_bench import without_metrics
from cli.main import main

if __name__ == "__main__":
    with patch("api.app.Litestar", without_metrics):
        main(["serve", *sys.argv[1:]])
