#!/usr/bin/python3
"""The official TRM algorithm trained in PyTorch on a Sudoku dataset folder: a learning-curve baseline.

    /usr/bin/python3 bench/torch_trm_train.py --official /tmp/trm-official --data data/sudoku-gen-k30-aug-1000 \\
        --minutes 30 --threads 2 > torch-trm.jsonl

Runs the OFFICIAL TinyRecursiveModels model code (models/recursive_reasoning/trm.py, layers.py, losses.py,
sparse_embedding.py, ema.py; imported unmodified from --official) on CPU and mirrors the official
pretrain.train_batch / evaluate loop around it (pretrain.py itself needs hydra, wandb, CUDA and is not run).
The official repository is not packaged: fetch github.com/SamsungSAILMontreal/TinyRecursiveModels (commit
e7b68717) and extract it, e.g.
    mkdir -p /tmp/trm-official && git -C <clone or bare mirror> archive HEAD | tar -x -C /tmp/trm-official
Needs /usr/bin/python3 with Debian's torch (1.13 works) and numpy; the stand-ins for what torch 1.13 lacks
(sdpa, einops, nn.Buffer, ParamsT, bare @torch.no_grad, int32 indices, pydantic) and the exact float32 AdamATan2
come from scripts/golden/trm_shims.py (shared with scripts/golden/trm_golden.py).

Model (defaults = this project's CPU TRM issue config): TinyRecursiveReasoningModel_ACTV1, mlp_t, no positions,
hidden 128, 4 heads, L_layers 2 (H_layers 0, ignored by TRM), H_cycles 3, L_cycles 6, expansion 4, puzzle
vector 128 in a 16-token prefix, halt_max_steps 4, halt_exploration_prob 0.1, no_ACT_continue; ACTLossHead with
stablemax_cross_entropy.
Training (official): ONE persistent carry (`carry = model.initial_carry(batch)` once), per step one ACT call on
a NEW batch (its rows only replace rows whose carry halted), backward of loss / global_batch_size, then
CastedSparseEmbeddingSignSGD_Distributed (world size 1) on the puzzle table and AdamATan2 on the parameters,
both at pretrain.compute_lr's rate (linear warm-up, then constant: lr_min_ratio 1.0), then the EMA update
(official EMAHelper; kept only with --eval-weights ema). Each batch's rows are drawn uniformly at random from
the training examples (as bench/torch_train.py does; the official loader samples groups, then a puzzle, then
examples).
Evaluation (official): model.eval(), inference_mode, each test example through halt_max_steps ACT calls; the
loss head's metrics of the last call: accuracy = mean over examples of the fraction of labelled cells right,
exact_accuracy = fraction of examples with every labelled cell right. On the first --eval-n test examples,
every --eval-every steps and at the end. Evaluation time is NOT counted: `time` is cumulative training seconds,
and training stops when it reaches --minutes.

Output: one JSON line per evaluation on stdout (flushed): {"step", "time", "accuracy", "exact_accuracy",
"row_segments" (steps x batch), "eval_weights", ...}; progress (training loss and metrics) on stderr.
Set OMP_WAIT_POLICY=PASSIVE and unset OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE before it starts (as the step
benchmark does) for PyTorch's best speed on these machines.
"""
import argparse
import json
import math
import os
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "scripts", "golden"))
from trm_shims import AdamATan2Exact, import_official  # noqa: E402  (re-runs this script under /usr/bin/python3 if it lacks torch)

import numpy as np  # noqa: E402
import torch  # noqa: E402

IGNORE_LABEL_ID = -100  # models.losses.IGNORE_LABEL_ID


def load_split(folder, split, limit=None):
    """inputs, labels (ignore_label_id -> -100) and per-example puzzle identifiers, int32 as the official
    loader's collate gives them, plus dataset.json."""
    d = os.path.join(folder, split)
    meta = json.load(open(os.path.join(d, "dataset.json")))
    inputs = np.load(os.path.join(d, "all__inputs.npy"))
    labels = np.load(os.path.join(d, "all__labels.npy")).astype(np.int32)
    if meta.get("ignore_label_id") is not None:
        labels[labels == meta["ignore_label_id"]] = IGNORE_LABEL_ID
    # Official format: puzzle p owns examples puzzle_indices[p] .. puzzle_indices[p+1]-1 and has identifier
    # puzzle_identifiers[p].
    pidx = np.load(os.path.join(d, "all__puzzle_indices.npy")).astype(np.int64)
    pids = np.load(os.path.join(d, "all__puzzle_identifiers.npy"))
    ids = np.repeat(pids, np.diff(pidx))
    if ids.shape[0] != inputs.shape[0] or pidx[-1] != inputs.shape[0]:
        sys.exit(f"torch_trm_train: {d}: puzzle_indices cover {pidx[-1]} examples, the inputs have {inputs.shape[0]}")
    if limit is not None:
        inputs, labels, ids = inputs[:limit], labels[:limit], ids[:limit]
    t = lambda a: torch.from_numpy(np.ascontiguousarray(a.astype(np.int32)))  # noqa: E731
    return t(inputs), t(labels), t(ids), meta


# pretrain.cosine_schedule_with_warmup_lr_lambda (verbatim), called as pretrain.compute_lr calls it.
def cosine_schedule_with_warmup_lr_lambda(
    current_step: int, *, base_lr: float, num_warmup_steps: int, num_training_steps: int, min_ratio: float = 0.0, num_cycles: float = 0.5
):
    if current_step < num_warmup_steps:
        return base_lr * float(current_step) / float(max(1, num_warmup_steps))

    progress = float(current_step - num_warmup_steps) / float(max(1, num_training_steps - num_warmup_steps))
    return base_lr * (min_ratio + max(0.0, (1 - min_ratio) * 0.5 * (1.0 + math.cos(math.pi * float(num_cycles) * 2.0 * progress))))


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--official", required=True, help="extracted checkout of SamsungSAILMontreal/TinyRecursiveModels")
    p.add_argument("--data", required=True, help="dataset folder (train/ and test/ in the official format)")
    p.add_argument("--precision", choices=["float32", "bfloat16"], default="float32", help="forward_dtype")
    p.add_argument("--batch", type=int, default=64, help="global batch size (rows per step)")
    p.add_argument("--expansion", type=float, default=4)
    p.add_argument("--hidden-size", type=int, default=128)
    p.add_argument("--num-heads", type=int, default=4)
    p.add_argument("--H-cycles", type=int, default=3)
    p.add_argument("--L-cycles", type=int, default=6)
    p.add_argument("--halt-max-steps", type=int, default=4)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--warmup-steps", type=int, default=100)
    p.add_argument("--weight-decay", type=float, default=0.1)
    p.add_argument("--puzzle-emb-lr", type=float, default=1e-3)
    p.add_argument("--puzzle-emb-weight-decay", type=float, default=0.1)
    p.add_argument("--ema-rate", type=float, default=0.999)
    p.add_argument("--eval-weights", choices=["live", "ema"], default="live",
                   help="evaluate the live parameters or the EMA copy (official ema=True); EMA is kept only for 'ema'")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--minutes", type=float, default=30, help="training time (evaluation excluded)")
    p.add_argument("--max-steps", type=int, default=0,
                   help="stop after this many steps even within --minutes (0: no limit); for sample-efficiency runs")
    p.add_argument("--eval-every", type=int, default=50)
    p.add_argument("--eval-n", type=int, default=1000, help="test examples per evaluation (the first N)")
    p.add_argument("--eval-batch", type=int, default=256, help="test examples per evaluation batch")
    p.add_argument("--log-every", type=int, default=10, help="steps between progress lines on stderr")
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args()

    torch.set_num_threads(args.threads)
    off = import_official(args.official)

    tr_x, tr_y, tr_id, tr_meta = load_split(args.data, "train")
    te_x, te_y, te_id, _ = load_split(args.data, "test", args.eval_n)
    B = args.batch

    # pretrain.launch: torch.random.manual_seed(config.seed + RANK); pretrain.create_model's model config.
    torch.manual_seed(args.seed)
    model_cfg = dict(
        H_cycles=args.H_cycles, L_cycles=args.L_cycles, H_layers=0, L_layers=2,
        hidden_size=args.hidden_size, num_heads=args.num_heads, expansion=args.expansion,
        puzzle_emb_ndim=args.hidden_size, puzzle_emb_len=16, pos_encodings="none",
        halt_max_steps=args.halt_max_steps, halt_exploration_prob=0.1, no_ACT_continue=True, mlp_t=True,
        forward_dtype=args.precision,
        batch_size=B, vocab_size=tr_meta["vocab_size"], seq_len=tr_meta["seq_len"],
        num_puzzle_identifiers=tr_meta["num_puzzle_identifiers"], causal=False,
    )
    model = off.losses.ACTLossHead(off.trm.TinyRecursiveReasoningModel_ACTV1(model_cfg), loss_type="stablemax_cross_entropy")
    n_params = sum(x.numel() for x in model.parameters())

    # pretrain.create_model (puzzle_emb_ndim > 0, not frozen): [SignSGD(puzzle table), AdamATan2(parameters)].
    optimizers = [
        off.sparse.CastedSparseEmbeddingSignSGD_Distributed(model.model.puzzle_emb.buffers(), lr=0, weight_decay=args.puzzle_emb_weight_decay, world_size=1),
        AdamATan2Exact(model.parameters(), lr=0, betas=(0.9, 0.95), weight_decay=args.weight_decay),
    ]
    optimizer_lrs = [args.puzzle_emb_lr, args.lr]

    ema_helper = None
    if args.eval_weights == "ema":  # pretrain.launch: EMAHelper(mu=ema_rate).register(model)
        ema_helper = off.ema.EMAHelper(mu=args.ema_rate)
        ema_helper.register(model)

    print(f"torch_trm_train: torch {torch.__version__}, {args.threads} threads, {args.precision}, {n_params} parameters, "
          f"train {tr_x.shape[0]} examples, test {te_x.shape[0]} (first {args.eval_n}), batch {B}, eval weights {args.eval_weights}",
          file=sys.stderr, flush=True)

    gen = torch.Generator().manual_seed(args.seed + 1)
    step, train_s, carry = 0, 0.0, None
    log = {"loss": 0.0, "lm_loss": 0.0, "count": 0.0, "accuracy": 0.0, "exact_accuracy": 0.0, "steps": 0.0, "n": 0}

    def evaluate():
        """pretrain.evaluate (with pretrain.launch's EMA switch): fresh carry per batch, ACT calls until all halted."""
        eval_model = ema_helper.ema_copy(model) if ema_helper is not None else model
        eval_model.eval()
        sums = {"count": 0.0, "accuracy": 0.0, "exact_accuracy": 0.0}
        with torch.inference_mode():
            for s in range(0, te_x.shape[0], args.eval_batch):
                batch = {"inputs": te_x[s:s + args.eval_batch], "labels": te_y[s:s + args.eval_batch],
                         "puzzle_identifiers": te_id[s:s + args.eval_batch]}
                ecarry = eval_model.initial_carry(batch)
                while True:
                    ecarry, _, metrics, _, all_finish = eval_model(carry=ecarry, batch=batch, return_keys=[])
                    if all_finish:
                        break
                for k in sums:
                    sums[k] += float(metrics[k])
        model.train()
        count = max(sums["count"], 1.0)
        return sums["accuracy"] / count, sums["exact_accuracy"] / count

    def report():
        t0 = time.perf_counter()
        acc, exact = evaluate()
        print(json.dumps({"step": step, "time": round(train_s, 1), "accuracy": round(acc, 4), "exact_accuracy": round(exact, 4),
                          "row_segments": step * B, "eval_weights": args.eval_weights, "precision": args.precision,
                          "torch": torch.__version__, "threads": args.threads}), flush=True)
        print(f"  eval at step {step}: accuracy {acc:.4f}, exact {exact:.4f} ({time.perf_counter() - t0:.1f} s, not counted)",
              file=sys.stderr, flush=True)

    model.train()
    while train_s < args.minutes * 60 and (args.max_steps <= 0 or step < args.max_steps):
        t0 = time.perf_counter()
        step += 1  # pretrain.train_batch: train_state.step += 1
        idx = torch.randint(0, tr_x.shape[0], (B,), generator=gen)
        batch = {"inputs": tr_x[idx], "labels": tr_y[idx], "puzzle_identifiers": tr_id[idx]}
        if carry is None:
            carry = model.initial_carry(batch)  # official: once, on the first batch
        carry, loss, metrics, _, _ = model(carry=carry, batch=batch, return_keys=[])
        ((1 / B) * loss).backward()
        lr_this_step = None
        for optim, base_lr in zip(optimizers, optimizer_lrs):
            # pretrain.compute_lr: lr_min_ratio 1.0 -> constant after warm-up (num_training_steps is then unused)
            lr_this_step = cosine_schedule_with_warmup_lr_lambda(step, base_lr=base_lr, num_warmup_steps=args.warmup_steps,
                                                                 num_training_steps=10 ** 12, min_ratio=1.0)
            if isinstance(optim, AdamATan2Exact):
                optim.lr = lr_this_step
                optim.step()
                for prm in optim.params:  # optim.zero_grad() (torch>=2 sets grads to None)
                    prm.grad = None
            else:
                for group in optim.param_groups:
                    group["lr"] = lr_this_step
                optim.step()
                optim.zero_grad(set_to_none=True)
        if ema_helper is not None:
            ema_helper.update(model)
        train_s += time.perf_counter() - t0

        log["n"] += 1
        log["loss"] += float(loss) / B
        log["lm_loss"] += float(metrics["lm_loss"]) / B
        for k in ("count", "accuracy", "exact_accuracy", "steps"):
            log[k] += float(metrics[k])
        if step % args.log_every == 0:
            c = max(log["count"], 1.0)
            print(f"step {step} ({train_s:.1f} s, {step / train_s:.2f} steps/s) lr {lr_this_step:.2e}: loss {log['loss'] / log['n']:.4f} "
                  f"lm_loss {log['lm_loss'] / log['n']:.4f} | halted rows {int(log['count'])}: accuracy {log['accuracy'] / c:.4f} "
                  f"exact {log['exact_accuracy'] / c:.4f} steps {log['steps'] / c:.2f}", file=sys.stderr, flush=True)
            log = {k: 0 for k in log}
        if step % args.eval_every == 0:
            report()
    if step % args.eval_every != 0 or step == 0:
        report()


if __name__ == "__main__":
    main()
