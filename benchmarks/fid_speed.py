"""frechet_distance (Cholesky + eigvalsh) vs the scipy.linalg.sqrtm route, on the same statistics.

Builds the mean and covariance of two sets of random d-dimensional features (default d = 2048,
the size of InceptionV3's pool features), times both routes in one run (alternating, best of --repeat), and
prints both times, their ratio and the relative difference of the two distances.
Run: .venv/bin/python benchmarks/fid_speed.py [--dim 2048] [--samples 5000]
"""

import argparse
import time

import numpy as np

from gan_course import metrics


def timed(fn):
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dim", type=int, default=2048)
    parser.add_argument("--samples", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    mixing = rng.normal(size=(args.dim, args.dim)) / np.sqrt(args.dim)  # correlated features
    real = rng.normal(size=(args.samples, args.dim)) @ mixing
    fake = (rng.normal(size=(args.samples, args.dim)) * 1.1 + 0.05) @ mixing
    stats = (*metrics.feature_statistics(real), *metrics.feature_statistics(fake))
    fast_times, slow_times = [], []
    for _ in range(args.repeat):  # alternate, so that a change in machine speed hits both
        t, fast = timed(lambda: metrics.frechet_distance(*stats))
        fast_times.append(t)
        t, slow = timed(lambda: metrics.frechet_distance_sqrtm(*stats))
        slow_times.append(t)
    fast_time, slow_time = min(fast_times), min(slow_times)
    print(f"d = {args.dim}, N = {args.samples} per set, best of {args.repeat} alternating runs")
    print(f"frechet_distance (Cholesky + eigvalsh): {fast_time:8.3f} s   FD = {fast:.6f}")
    print(f"scipy.linalg.sqrtm route:               {slow_time:8.3f} s   FD = {slow:.6f}")
    print(f"speed-up: {slow_time / fast_time:.1f}x   relative difference: {abs(fast - slow) / abs(slow):.2e}")


if __name__ == "__main__":
    main()
