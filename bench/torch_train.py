#!/usr/bin/python3
"""The official HRM algorithm trained in plain PyTorch on a Sudoku dataset folder: a learning-curve baseline.

Runs bench/torch_hrm.py's HRM (official training segment, optimizers and warm-up) on a dataset in the
official on-disk format (as `hrm data sudoku` writes it), drawing each batch row uniformly from the
training examples, and evaluates the official way (every test example through halt_max segments) every
--eval-every steps. Prints one JSON line per evaluation: {"step", "time", "accuracy", "exact_accuracy"}.

    /usr/bin/python3 bench/torch_train.py --data data/sudoku-gen-k30-aug-1000 --minutes 30 --threads 1

Set OMP_WAIT_POLICY=PASSIVE and unset OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE before it starts (as the step
benchmark does) for PyTorch's best speed on these machines.
"""
import argparse
import json
import os
import sys
import time

import numpy as np


def load_split(folder, split):
    d = os.path.join(folder, split)
    meta = json.load(open(os.path.join(d, "dataset.json")))
    if meta["seq_len"] != 81 or meta["vocab_size"] != 11:
        sys.exit(f"torch_train: {d} is not Sudoku-shaped (seq_len {meta['seq_len']}, vocab {meta['vocab_size']}; expected 81, 11)")
    inputs = np.load(os.path.join(d, "all__inputs.npy")).astype(np.int64)
    labels = np.load(os.path.join(d, "all__labels.npy")).astype(np.int64)
    if meta.get("ignore_label_id") is not None:
        labels[labels == meta["ignore_label_id"]] = -100
    return inputs, labels


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--data", required=True, help="dataset folder (train/ and test/ in the official format)")
    p.add_argument("--config", choices=["cpu", "paper"], default="cpu")
    p.add_argument("--precision", choices=["float32", "bfloat16"], default="float32")
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--minutes", type=float, default=30)
    p.add_argument("--eval-every", type=int, default=200)
    p.add_argument("--eval-n", type=int, default=1000, help="test examples per evaluation")
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args()

    import torch
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from torch_hrm import CPU, PAPER, Hrm

    torch.set_num_threads(args.threads)
    tr_x, tr_y = (torch.from_numpy(a) for a in load_split(args.data, "train"))
    te_x, te_y = (torch.from_numpy(a[: args.eval_n]) for a in load_split(args.data, "test"))
    dtype = torch.float32 if args.precision == "float32" else torch.bfloat16
    model = Hrm(CPU if args.config == "cpu" else PAPER, dtype, args.batch, args.seed)
    gen = torch.Generator().manual_seed(args.seed + 1)
    t0, step = time.perf_counter(), 0

    def report():
        acc, exact = model.evaluate(te_x, te_y, 256)
        print(json.dumps({"step": step, "time": round(time.perf_counter() - t0, 1), "accuracy": round(acc, 4),
                          "exact_accuracy": round(exact, 4), "torch": torch.__version__, "threads": args.threads}), flush=True)

    while time.perf_counter() - t0 < args.minutes * 60:
        step += 1
        idx = torch.randint(0, tr_x.shape[0], (args.batch,), generator=gen)
        model.train_step(step, {"inputs": tr_x[idx], "labels": tr_y[idx], "ids": torch.zeros(args.batch, dtype=torch.long)})
        if step % args.eval_every == 0:
            report()
    report()


if __name__ == "__main__":
    main()
