#!/usr/bin/python3
"""One TRM training step of the OFFICIAL TinyRecursiveModels code in PyTorch (CPU), timed: the baseline of
`npm run bench -- --model trm`.

    /usr/bin/python3 bench/torch_trm_step.py --official /tmp/trm-official --config trm-sudoku --precision float32 --threads 1
    /usr/bin/python3 bench/torch_trm_step.py --official /tmp/trm-official --config trm-arc --batch 4 --reps 2 --warmup 1
    /usr/bin/python3 bench/torch_trm_step.py --official /tmp/trm-official --model-config '{"batch_size": 2, ...}'

Runs the official model code unmodified (models/recursive_reasoning/trm.py TinyRecursiveReasoningModel_ACTV1 inside
models/losses.py ACTLossHead with stablemax_cross_entropy, models/sparse_embedding.py, models/ema.py), imported from
--official (an extracted checkout of github.com/SamsungSAILMontreal/TinyRecursiveModels, commit e7b68717; it is not
packaged), with the torch 1.13 stand-ins and the exact float32 AdamATan2 of scripts/golden/trm_shims.py (as
bench/torch_trm_train.py uses them).

One step = what the official pretrain.train_batch does per batch (and this port's trainStep, src/train/step.ts): one
ACT call in train mode on a new random batch (one persistent carry, created on the first step: halted rows take the
new batch's rows), the loss head, backward of loss / batch, CastedSparseEmbeddingSignSGD_Distributed (world size 1)
on the puzzle table and AdamATan2 on the parameters at the warm-up schedule's rate, then the EMA update (official
EMAHelper, mu 0.999). Optimizer settings are the step benchmark's (bench/train-step.ts benchOptim): lr 1e-4,
puzzle_emb_lr 1e-2, weight decay 0.1 (both), betas (0.9, 0.95), 10 warm-up steps.

Configurations (trm-spec.md section 6; hidden 512, 8 heads, expansion 4, L_layers 2, puzzle_emb_ndim 512,
puzzle_emb_len 16, halt_max_steps 16, halt_exploration_prob 0.1, no_ACT_continue, 1 puzzle identifier):
  trm-sudoku  mlp_t, no positions, H/L cycles 3/6, seq_len 81 (T 97), vocab 11, batch 32
  trm-arc     attention, RoPE, H/L cycles 3/4, seq_len 900 (T 916), vocab 12, batch 4
--model-config JSON replaces/adds official config fields (the step benchmark passes this port's whole model config,
whose fields have the official names, so both sides build the same model). --precision sets forward_dtype (the
official code computes in it: bf16 weights casts, activations and carry; RMSNorm in fp32; losses in f64).

Prints one JSON line: {"config", "precision", "threads", "step_ms" (median), "peak_rss_mb" (ru_maxrss), "min_ms",
"reps", "warmup", "batch", "torch", "loss", "parameters", "blas"}. Set OMP_WAIT_POLICY=PASSIVE and unset
OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE before it starts (bench/run.ts does) for PyTorch's best speed here.
"""
import argparse
import json
import math
import os
import resource
import statistics
import sys
import time


sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "scripts", "golden"))
from trm_shims import AdamATan2Exact, import_official  # noqa: E402  (re-runs this script under /usr/bin/python3 if it lacks torch)

import torch  # noqa: E402

COMMON = dict(
    num_puzzle_identifiers=1, H_layers=0, L_layers=2, hidden_size=512, num_heads=8, expansion=4, puzzle_emb_ndim=512,
    puzzle_emb_len=16, halt_max_steps=16, halt_exploration_prob=0.1, no_ACT_continue=True, rms_norm_eps=1e-5,
    rope_theta=10000.0, causal=False,
)
CONFIGS = {
    "trm-sudoku": dict(COMMON, batch_size=32, seq_len=81, vocab_size=11, mlp_t=True, pos_encodings="none", H_cycles=3, L_cycles=6),
    "trm-arc": dict(COMMON, batch_size=4, seq_len=900, vocab_size=12, mlp_t=False, pos_encodings="rope", H_cycles=3, L_cycles=4),
}

# bench/train-step.ts benchOptim
LR, PUZZLE_EMB_LR, WEIGHT_DECAY, PUZZLE_EMB_WEIGHT_DECAY, BETAS, WARMUP_STEPS, EMA_RATE = 1e-4, 1e-2, 0.1, 0.1, (0.9, 0.95), 10, 0.999


def mapped_blas():
    """The BLAS library files mapped into this process (after torch has run a matmul)."""
    try:
        with open("/proc/self/maps") as f:
            return sorted({line.split()[-1] for line in f if "blas" in line.lower() and "/" in line})
    except OSError:
        return []


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--official", required=True, help="extracted checkout of SamsungSAILMontreal/TinyRecursiveModels")
    p.add_argument("--config", choices=sorted(CONFIGS), default="trm-sudoku")
    p.add_argument("--model-config", default=None, help="JSON object of official config fields replacing the preset's")
    p.add_argument("--precision", choices=["float32", "bfloat16"], default="float32", help="forward_dtype")
    p.add_argument("--batch", type=int, default=None, help="batch size (default: the configuration's)")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--reps", type=int, default=2, help="timed steps (median reported)")
    p.add_argument("--warmup", type=int, default=1, help="untimed steps first")
    p.add_argument("--no-ema", action="store_true", help="skip the EMA update")
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args()

    torch.set_num_threads(args.threads)
    off = import_official(args.official)

    cfg = dict(CONFIGS[args.config])
    if args.model_config is not None:
        cfg.update(json.loads(args.model_config))
    if args.batch is not None:
        cfg["batch_size"] = args.batch
    cfg["forward_dtype"] = args.precision
    B, S, V, n_ids = cfg["batch_size"], cfg["seq_len"], cfg["vocab_size"], cfg["num_puzzle_identifiers"]

    torch.manual_seed(args.seed)
    model = off.losses.ACTLossHead(off.trm.TinyRecursiveReasoningModel_ACTV1(cfg), loss_type="stablemax_cross_entropy")
    n_params = sum(x.numel() for x in model.parameters())
    # pretrain.create_model (puzzle_emb_ndim > 0): [SignSGD(puzzle table), AdamATan2(parameters)]
    optimizers = []
    if cfg["puzzle_emb_ndim"] > 0:
        optimizers.append((off.sparse.CastedSparseEmbeddingSignSGD_Distributed(
            model.model.puzzle_emb.buffers(), lr=0, weight_decay=PUZZLE_EMB_WEIGHT_DECAY, world_size=1), PUZZLE_EMB_LR))
    optimizers.append((AdamATan2Exact(model.parameters(), lr=0, betas=BETAS, weight_decay=WEIGHT_DECAY), LR))
    ema = None
    if not args.no_ema:
        ema = off.ema.EMAHelper(mu=EMA_RATE)
        ema.register(model)

    # random batches of the task's shapes (as src/train/synthetic.ts randomBatch: tokens 1..V-1), int32 as the
    # official loader's collate gives them
    gen = torch.Generator().manual_seed(args.seed + 1)
    model.train()
    carry = None

    def train_step(step):
        nonlocal carry
        batch = {
            "inputs": torch.randint(1, V, (B, S), generator=gen, dtype=torch.int32),
            "labels": torch.randint(1, V, (B, S), generator=gen, dtype=torch.int32),
            "puzzle_identifiers": torch.randint(0, n_ids, (B,), generator=gen, dtype=torch.int32),
        }
        if carry is None:
            carry = model.initial_carry(batch)  # official: once, on the first batch
        carry, loss, _metrics, _, _ = model(carry=carry, batch=batch, return_keys=[])
        ((1 / B) * loss).backward()
        for optim, base_lr in optimizers:
            # pretrain.compute_lr: linear warm-up, then constant (lr_min_ratio 1.0)
            lr = base_lr * min(1.0, step / WARMUP_STEPS)
            if isinstance(optim, AdamATan2Exact):
                optim.lr = lr
                optim.step()
                for prm in optim.params:  # optim.zero_grad() (torch>=2 sets grads to None)
                    prm.grad = None
            else:
                for group in optim.param_groups:
                    group["lr"] = lr
                optim.step()
                optim.zero_grad(set_to_none=True)
        if ema is not None:
            ema.update(model)
        return float(loss)

    times = []
    loss = float("nan")
    for step in range(1, args.warmup + args.reps + 1):
        t0 = time.perf_counter()
        loss = train_step(step)
        dt = time.perf_counter() - t0
        if step > args.warmup:
            times.append(dt)
        if not math.isfinite(loss):
            sys.exit(f"torch_trm_step: non-finite loss {loss} at step {step}")
        print(f"torch_trm_step: step {step}: {dt * 1e3:.1f} ms, loss {loss / B:.4f}", file=sys.stderr, flush=True)
    peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(json.dumps({
        "config": args.config, "precision": args.precision, "threads": args.threads,
        "step_ms": round(statistics.median(times) * 1e3, 1), "peak_rss_mb": round(peak_rss_mb, 1), "reps": args.reps,
        "warmup": args.warmup, "batch": B, "min_ms": round(min(times) * 1e3, 1), "torch": torch.__version__,
        "loss": round(loss, 4), "parameters": n_params, "ema": ema is not None, "blas": mapped_blas(),
    }), flush=True)


if __name__ == "__main__":
    main()
