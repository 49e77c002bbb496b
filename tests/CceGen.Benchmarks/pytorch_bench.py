#!/usr/bin/python3
"""PyTorch peer for the CceGen benchmarks (docs/PERFORMANCE.md).

Measures, single-threaded (torch.set_num_threads(1)), on the same shapes and the same kind of inputs as the .NET
benchmarks (logits ~ N(0, 1) * 3, fixed seed, labels uniform in [0, C); large shapes rotate through copies totalling
about 1 GiB so that every call reads from DRAM):

  cross_entropy/float32/mean        F.cross_entropy(x, y)
  cross_entropy/float32/none        F.cross_entropy(x, y, reduction='none')
  cross_entropy/float16/mean|none   F.cross_entropy(x.half(), y) (recorded as unsupported if the CPU build lacks it)
  nll_log/float32/mean|none         F.nll_loss(torch.log(p), y), p = softmax rows
  keras/float32/mean|none           -log(clamp(p)[y] / clamp(p).sum(1)), Keras' convention
  cross_entropy_backward/float32/mean   F.cross_entropy(x, y).backward() (forward + backward, gradient written)

Each result is the median over RUNS timed runs of the per-call time; a run is enough calls for >= 0.1 s.
Writes JSON (default: BenchmarkDotNet.Artifacts/pytorch.json next to this script, which `--report` reads) and
prints ns per element of y_pred.

  /usr/bin/python3 tests/CceGen.Benchmarks/pytorch_bench.py [--quick] [--out FILE]
"""

import argparse
import json
import math
import os
import platform
import statistics
import time

import torch
import torch.nn.functional as F

SHAPES = [(32, 10), (1048576, 10), (131072, 100), (16384, 1000), (512, 32000), (128, 128000)]
QUICK_SHAPES = [(32, 10), (64, 10), (8, 1000)]
ROTATION_BYTES = 1 << 30        # as Settings.RotationBytes in the .NET benchmarks
CACHE_RESIDENT_BELOW = 1 << 20  # as Settings.CacheResidentBelowBytes
SEED = 20240607
RUNS = 9
MIN_RUN_SECONDS = 0.1


def copies_for(nbytes, quick):
    if quick or nbytes < CACHE_RESIDENT_BELOW:
        return 1
    return max(2, min(256, math.ceil(ROTATION_BYTES / nbytes)))


def make_copies(base, labels, n):
    """n copies rotated by different row counts (different memory, same problem), as RotatingInputs does."""
    b = base.shape[0]
    out = []
    for k in range(n):
        shift = (k * 7919) % b
        out.append((torch.roll(base, -shift, 0).contiguous(), torch.roll(labels, -shift, 0).contiguous()))
    return out


def measure(fn, inputs):
    """Median per-call time in ns over RUNS runs; fn(x, y) is called on inputs round-robin."""
    i = 0

    def call():
        nonlocal i
        x, y = inputs[i]
        i = (i + 1) % len(inputs)
        return fn(x, y)

    for _ in range(3):
        call()
    t0 = time.perf_counter()
    call()
    one = max(time.perf_counter() - t0, 1e-7)
    calls = max(1, math.ceil(MIN_RUN_SECONDS / one))
    per_call = []
    for _ in range(RUNS):
        t0 = time.perf_counter_ns()
        for _ in range(calls):
            call()
        per_call.append((time.perf_counter_ns() - t0) / calls)
    return statistics.median(per_call), calls


def keras_none(p, y):
    pc = p.clamp(1e-7, 1 - 1e-7)
    return -torch.log(pc.gather(1, y[:, None]).squeeze(1) / pc.sum(1))


def keras_mean(p, y):
    return keras_none(p, y).mean()


def ce_backward(x, y):
    x.grad = None
    loss = F.cross_entropy(x, y)
    loss.backward()
    return loss


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="tiny shapes, no rotation (smoke test)")
    parser.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "BenchmarkDotNet.Artifacts", "pytorch.json"))
    args = parser.parse_args()

    torch.set_num_threads(1)
    torch.set_num_interop_threads(1)
    results = []
    shapes = QUICK_SHAPES if args.quick else SHAPES
    capability = next((line.split(":", 1)[1].strip() for line in torch.__config__.show().splitlines() if "CPU capability usage" in line), "?")
    print(f"torch {torch.__version__}, threads {torch.get_num_threads()}, CPU capability {capability}")
    print(f"{'op':40s} {'shape':>12s} {'copies':>6s} {'calls/run':>9s} {'ns/call':>14s} {'ns/elem':>10s}")

    def record(op, dtype, reduction, shape, fn, inputs):
        b, c = shape
        entry = {"op": op, "dtype": dtype, "reduction": reduction, "shape": f"{b}x{c}", "copies": len(inputs)}
        try:
            with torch.no_grad() if op != "cross_entropy_backward" else torch.enable_grad():
                ns, calls = measure(fn, inputs)
            entry.update({"median_ns": ns, "ns_per_element": ns / (b * c), "calls_per_run": calls, "runs": RUNS})
            print(f"{op + '/' + dtype + '/' + reduction:40s} {entry['shape']:>12s} {len(inputs):6d} {calls:9d} {ns:14.1f} {ns / (b * c):10.4f}", flush=True)
        except RuntimeError as e:
            entry["error"] = str(e).splitlines()[0]
            print(f"{op + '/' + dtype + '/' + reduction:40s} {entry['shape']:>12s}  unsupported: {entry['error']}", flush=True)
        results.append(entry)

    for shape in shapes:
        b, c = shape
        gen = torch.Generator().manual_seed(SEED)
        logits = torch.randn(b, c, generator=gen) * 3
        logits[logits == 0] = 1e-3
        labels = torch.randint(0, c, (b,), generator=gen, dtype=torch.int64)
        n = copies_for(b * c * 4, args.quick)

        inputs = make_copies(logits, labels, n)
        record("cross_entropy", "float32", "mean", shape, lambda x, y: F.cross_entropy(x, y), inputs)
        record("cross_entropy", "float32", "none", shape, lambda x, y: F.cross_entropy(x, y, reduction="none"), inputs)
        grad_inputs = [(x.requires_grad_(True), y) for x, y in inputs]
        record("cross_entropy_backward", "float32", "mean", shape, ce_backward, grad_inputs)
        del inputs, grad_inputs

        probs = torch.softmax(logits.double(), dim=1).float()
        inputs = make_copies(probs, labels, n)
        record("nll_log", "float32", "mean", shape, lambda p, y: F.nll_loss(torch.log(p), y), inputs)
        record("nll_log", "float32", "none", shape, lambda p, y: F.nll_loss(torch.log(p), y, reduction="none"), inputs)
        record("keras", "float32", "mean", shape, keras_mean, inputs)
        record("keras", "float32", "none", shape, keras_none, inputs)
        del inputs, probs

        half = logits.half()
        inputs = make_copies(half, labels, copies_for(b * c * 2, args.quick))
        record("cross_entropy", "float16", "mean", shape, lambda x, y: F.cross_entropy(x, y), inputs)
        record("cross_entropy", "float16", "none", shape, lambda x, y: F.cross_entropy(x, y, reduction="none"), inputs)
        del inputs, half

    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w") as f:
        json.dump({
            "torch": torch.__version__,
            "python": platform.python_version(),
            "threads": torch.get_num_threads(),
            "cpu_capability": capability,
            "rotation_bytes": ROTATION_BYTES,
            "runs": RUNS,
            "results": results,
        }, f, indent=1)
    print(f"written {args.out}")


if __name__ == "__main__":
    main()
