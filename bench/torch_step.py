#!/usr/bin/python3
"""One HRM training step in plain PyTorch (CPU), timed: the baseline for the whole-step benchmark.

The model, losses and optimizers are bench/torch_hrm.py's (this file times them at the paper configuration).

A straightforward eager re-statement of the official code (sapientinc/HRM: models/hrm/hrm_act_v1.py,
models/layers.py, models/losses.py, adam-atan2, the sparse sign-SGD puzzle embedding), at the paper
configuration: batch 32, 81 tokens + 1 puzzle token (T = 82), hidden 512, 8 heads of 64, H_layers =
L_layers = 4, H_cycles = L_cycles = 2, expansion 4 -> MLP 1536, vocabulary 11 (Sudoku), post-norm
RMSNorm without weights, RoPE (rotate-half), SwiGLU, the 1-step gradient (every L and H call but the
last pair under no_grad), the ACT train segment (halting with exploration, the second no-grad inner
forward for the Q target), stablemax cross entropy in float64 + 0.5 (BCE q_halt + BCE q_continue),
AdamATan2 (hrm-spec 5.1) and sign-SGD on the touched puzzle-embedding rows.

Precision as the official forward_dtype, without autocast: fp32 master weights cast to the compute dtype
at each use; activations and carry in that dtype; RMSNorm, RoPE and softmax in fp32; Q logits fp32;
losses f64.

    /usr/bin/python3 bench/torch_step.py --precision float32 --threads 2 --reps 5 --warmup 2
    /usr/bin/python3 bench/torch_step.py --all            # float32 and bfloat16, 1 and 2 threads

    /usr/bin/python3 bench/torch_step.py --mode infer --batch 1   # one Sudoku through 16 eval segments

Prints one JSON line per run: {"precision", "threads", "step_ms" (median), "peak_rss_mb", ...}; with --mode infer
"step_ms" is one batch through the 16 segments (model.evaluate's loop: no_grad, every segment run, no halting).
--all runs each configuration in a fresh process with OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE unset and
OMP_WAIT_POLICY=PASSIVE (they must be set before torch loads).

BLAS: Debian's torch does its f32 matrix products through the system libblas.so.3, which is the netlib
reference BLAS unless an optimised one is installed (then ~50x slower than OpenBLAS). For a fair baseline
`apt-get install -y libopenblas0-pthread`; --all then puts its folder first on LD_LIBRARY_PATH for the
runs (without changing the system's alternatives). Each JSON line says which libblas the run had mapped.
"""
import argparse
import json
import math
import os
import resource
import statistics
import subprocess
import sys
import time


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--precision", choices=["float32", "bfloat16"], default="float32")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--reps", type=int, default=5, help="timed steps (median reported)")
    p.add_argument("--warmup", type=int, default=2, help="untimed steps first")
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--mode", choices=["train", "infer"], default="train",
                   help="train: one training step; infer: one batch of puzzles through halt_max (16) eval segments")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--all", action="store_true", help="run float32/bfloat16 x 1/2 threads, one process each")
    p.add_argument("--blas-dir", default="/usr/lib/x86_64-linux-gnu/openblas-pthread",
                   help="with --all: folder put first on LD_LIBRARY_PATH when it exists ('' for none)")
    return p.parse_args()


def run_all(args):
    env = {k: v for k, v in os.environ.items() if k not in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")}
    env["OMP_WAIT_POLICY"] = "PASSIVE"
    if args.blas_dir and os.path.isdir(args.blas_dir):
        env["LD_LIBRARY_PATH"] = args.blas_dir + (":" + env["LD_LIBRARY_PATH"] if env.get("LD_LIBRARY_PATH") else "")
    for precision in ("float32", "bfloat16"):
        for threads in (1, 2):
            cmd = [sys.executable, os.path.abspath(__file__), "--precision", precision, "--threads", str(threads),
                   "--reps", str(args.reps), "--warmup", str(args.warmup), "--batch", str(args.batch),
                   "--seed", str(args.seed)]
            r = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, text=True)
            if r.returncode != 0:
                sys.exit(f"torch_step: {precision} with {threads} thread(s) failed (exit {r.returncode})")
            sys.stdout.write(r.stdout)
            sys.stdout.flush()


def mapped_blas():
    """The BLAS library files mapped into this process (after torch has run a matmul)."""
    try:
        with open("/proc/self/maps") as f:
            libs = {line.split()[-1] for line in f if "blas" in line.lower() and "/" in line}
        return sorted(libs)
    except OSError:
        return []


def main():
    args = parse_args()
    if args.all:
        run_all(args)
        return

    import torch

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    dtype = torch.float32 if args.precision == "float32" else torch.bfloat16

    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from torch_hrm import PAPER, Hrm

    B, S = args.batch, 81
    model = Hrm(PAPER, dtype, B, args.seed)

    # ---- data: random Sudoku-shaped batches (inputs 1..10, labels 2..10, all supervised) ----
    gen = torch.Generator().manual_seed(args.seed + 1)

    def train_step(step):
        new = {
            "inputs": torch.randint(1, 11, (B, S), generator=gen, dtype=torch.int32).long(),
            "labels": torch.randint(2, 11, (B, S), generator=gen, dtype=torch.int32).long(),
            "ids": torch.zeros(B, dtype=torch.long),
        }
        return model.train_step(step, new)["loss"]

    def infer_step(step):
        inputs = torch.randint(1, 11, (B, S), generator=gen, dtype=torch.int32).long()
        labels = torch.randint(2, 11, (B, S), generator=gen, dtype=torch.int32).long()
        acc, _ = model.evaluate(inputs, labels, B)
        return acc

    run = infer_step if args.mode == "infer" else train_step
    times = []
    for step in range(1, args.warmup + args.reps + 1):
        t0 = time.perf_counter()
        loss = run(step)
        dt = time.perf_counter() - t0
        if step > args.warmup:
            times.append(dt)
        if not math.isfinite(loss):
            sys.exit(f"torch_step: non-finite loss {loss} at step {step}")
    peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(json.dumps({
        "mode": args.mode, "precision": args.precision, "threads": args.threads, "step_ms": round(statistics.median(times) * 1e3, 1),
        "peak_rss_mb": round(peak_rss_mb, 1), "reps": args.reps, "warmup": args.warmup, "batch": B,
        "min_ms": round(min(times) * 1e3, 1), "torch": torch.__version__, "loss": round(loss, 4),
        "blas": mapped_blas(),
    }), flush=True)


if __name__ == "__main__":
    main()
