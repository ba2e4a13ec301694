#!/usr/bin/python3
"""One HRM training step in plain PyTorch (CPU), timed: the baseline for the whole-step benchmark.

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

Prints one JSON line per run: {"precision", "threads", "step_ms" (median), "peak_rss_mb", ...}.
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
    import torch.nn.functional as F

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    dtype = torch.float32 if args.precision == "float32" else torch.bfloat16

    # ---- configuration (config/arch/hrm_v1.yaml, Sudoku data) ----
    B, S, P, D, NH = args.batch, 81, 1, 512, 8
    T, HD = S + P, D // NH
    H_layers = L_layers = 4
    H_cycles = L_cycles = 2
    I = 1536  # round_up(round(4 * 512 * 2 / 3), 256)
    V, N_IDS = 11, 1
    EPS, THETA = 1e-5, 10000.0
    HALT_MAX, EXPLORE = 16, 0.1
    LR, EMB_LR, WD, EMB_WD, BETAS = 1e-4, 1e-4, 1.0, 1.0, (0.9, 0.95)

    def trunc_normal(shape, std):
        # JAX-style truncated normal (+-2 of the underlying normal), final std = std
        comp = std / 0.87962566103423978
        t = torch.empty(shape)
        torch.nn.init.trunc_normal_(t, std=comp, a=-2 * comp, b=2 * comp)
        return t

    params = {}

    def param(name, t):
        params[name] = t.requires_grad_(True)
        return params[name]

    param("embed_tokens", trunc_normal((V, D), 1 / math.sqrt(D)))
    param("lm_head", trunc_normal((V, D), 1 / math.sqrt(D)))
    param("q_head.weight", torch.zeros(2, D))
    param("q_head.bias", torch.full((2,), -5.0))
    levels = {}
    for level, n in (("H", H_layers), ("L", L_layers)):
        levels[level] = [{
            "qkv": param(f"{level}.{i}.qkv", trunc_normal((3 * D, D), 1 / math.sqrt(D))),
            "o": param(f"{level}.{i}.o", trunc_normal((D, D), 1 / math.sqrt(D))),
            "gate_up": param(f"{level}.{i}.gate_up", trunc_normal((2 * I, D), 1 / math.sqrt(D))),
            "down": param(f"{level}.{i}.down", trunc_normal((D, I), 1 / math.sqrt(I))),
        } for i in range(n)]
    puzzle_emb = torch.zeros(N_IDS, D)  # buffer, trained by sign-SGD
    H_init = trunc_normal((D,), 1.0).to(torch.bfloat16).to(dtype)
    L_init = trunc_normal((D,), 1.0).to(torch.bfloat16).to(dtype)
    inv_freq = 1.0 / (THETA ** (torch.arange(0, HD, 2, dtype=torch.float32) / HD))
    angles = torch.outer(torch.arange(T, dtype=torch.float32), inv_freq)
    emb = torch.cat((angles, angles), dim=-1)
    cos, sin = emb.cos(), emb.sin()  # [T, HD] fp32

    def linear(x, w):  # CastedLinear: weight cast to the input dtype at use
        return F.linear(x, w.to(x.dtype))

    def rms_norm(x):
        xf = x.float()
        return (xf * torch.rsqrt(xf.square().mean(-1, keepdim=True) + EPS)).to(x.dtype)

    def rotate_half(x):
        x1, x2 = x[..., : HD // 2], x[..., HD // 2:]
        return torch.cat((-x2, x1), dim=-1)

    def attention(x, w):
        qkv = linear(x, w["qkv"]).view(B, T, 3 * NH, HD)
        q, k, v = qkv[:, :, :NH], qkv[:, :, NH:2 * NH], qkv[:, :, 2 * NH:]
        c, s = cos[:, None, :], sin[:, None, :]  # [T, 1, HD] over [B, T, NH, HD]
        q = (q.float() * c + rotate_half(q.float()) * s).to(x.dtype)
        k = (k.float() * c + rotate_half(k.float()) * s).to(x.dtype)
        q, k, v = (t.transpose(1, 2) for t in (q, k, v))  # [B, NH, T, HD]
        scores = torch.matmul(q, k.transpose(-1, -2)).float() * (1.0 / math.sqrt(HD))
        probs = torch.softmax(scores, dim=-1).to(x.dtype)  # non-causal, no mask
        out = torch.matmul(probs, v).transpose(1, 2).reshape(B, T, D)
        return linear(out, w["o"])

    def swiglu(x, w):
        gate, up = linear(x, w["gate_up"]).chunk(2, dim=-1)
        return linear(F.silu(gate) * up, w["down"])

    def block(h, w):  # post-norm
        h = rms_norm(h + attention(h, w))
        return rms_norm(h + swiglu(h, w))

    def module(level, z, inj):
        h = z + inj
        for w in levels[level]:
            h = block(h, w)
        return h

    def input_embedding(inputs, puzzle_local):
        tok = F.embedding(inputs, params["embed_tokens"].to(dtype))
        x = torch.cat((puzzle_local.to(dtype).view(B, P, D), tok), dim=1)
        return math.sqrt(D) * x

    def inner_forward(zH, zL, x):
        with torch.no_grad():
            for h in range(H_cycles):
                for l in range(L_cycles):
                    if not (h == H_cycles - 1 and l == L_cycles - 1):
                        zL = module("L", zL, zH + x)  # official: (zH + x) first
                if h != H_cycles - 1:
                    zH = module("H", zH, zL)
        zL = module("L", zL, zH + x)  # the 1-step gradient
        zH = module("H", zH, zL)
        logits = linear(zH, params["lm_head"])[:, P:]
        q = F.linear(zH[:, 0], params["q_head.weight"].to(dtype), params["q_head.bias"].to(dtype)).float()
        return zH.detach(), zL.detach(), logits, q[:, 0], q[:, 1]

    def stablemax_ce(logits, labels):
        x = logits.double()
        s = torch.where(x >= 0, x + 1, 1 / (1 - x + 1e-30))
        logp = torch.log(s / s.sum(-1, keepdim=True))
        valid = labels != -100
        nll = -torch.gather(logp, -1, torch.where(valid, labels, 0).long().unsqueeze(-1)).squeeze(-1)
        return torch.where(valid, nll, torch.zeros_like(nll)), valid

    # ---- optimizers ----
    opt_state = {n: (torch.zeros_like(p), torch.zeros_like(p)) for n, p in params.items()}

    def adam_atan2(step, lr):
        b1, b2 = BETAS
        step_size = lr / (1 - b1 ** step)
        sqrt_bc2 = math.sqrt(1 - b2 ** step)
        with torch.no_grad():
            for n, p in params.items():
                m, v = opt_state[n]
                g = p.grad
                p.mul_(1 - lr * WD)
                m.lerp_(g, 1 - b1)
                v.lerp_(g * g, 1 - b2)
                p.add_(torch.atan2(m, v.sqrt() / sqrt_bc2), alpha=-step_size)
                p.grad = None

    def sign_sgd(ids, grad, lr):
        with torch.no_grad():
            uniq, inv = torch.unique(ids, return_inverse=True)
            g = torch.zeros(len(uniq), D).index_add_(0, inv, grad)
            puzzle_emb[uniq] = puzzle_emb[uniq] * (1 - lr * EMB_WD) - lr * torch.sign(g)

    # ---- data: random Sudoku-shaped batches (inputs 1..10, labels 2..10, all supervised) ----
    gen = torch.Generator().manual_seed(args.seed + 1)

    def batch():
        return {
            "inputs": torch.randint(1, 11, (B, S), generator=gen, dtype=torch.int32).long(),
            "labels": torch.randint(2, 11, (B, S), generator=gen, dtype=torch.int32).long(),
            "ids": torch.zeros(B, dtype=torch.long),
        }

    carry = {
        "zH": torch.zeros(B, T, D, dtype=dtype), "zL": torch.zeros(B, T, D, dtype=dtype),
        "steps": torch.zeros(B, dtype=torch.int32), "halted": torch.ones(B, dtype=torch.bool),
        "data": batch(),
    }

    def train_step(step):
        new = batch()
        halted = carry["halted"]
        # ACT wrapper: reset halted rows to H_init/L_init and replace their data
        zH = torch.where(halted[:, None, None], H_init, carry["zH"])
        zL = torch.where(halted[:, None, None], L_init, carry["zL"])
        steps = torch.where(halted, torch.zeros_like(carry["steps"]), carry["steps"])
        data = {k: torch.where(halted.view(-1, *([1] * (v.dim() - 1))), new[k], v) for k, v in carry["data"].items()}
        puzzle_local = puzzle_emb[data["ids"]].clone().requires_grad_(True)
        x = input_embedding(data["inputs"], puzzle_local)
        zH, zL, logits, q_halt, q_cont = inner_forward(zH, zL, x)
        with torch.no_grad():
            steps = steps + 1
            is_last = steps >= HALT_MAX
            halted = is_last | (q_halt > q_cont)
            explore = torch.rand(B) < EXPLORE
            min_halt = explore * torch.randint(2, HALT_MAX + 1, (B,))
            halted = halted & (steps >= min_halt)
            # Q target: a second full inner forward from the new carry on the same data
            x2 = input_embedding(data["inputs"], puzzle_local.detach())
            _, _, _, nq_halt, nq_cont = inner_forward(zH, zL, x2)
            target = torch.sigmoid(torch.where(is_last, nq_halt, torch.maximum(nq_halt, nq_cont)))
        # loss head (f64 stablemax) + Q losses
        labels = data["labels"]
        nll, valid = stablemax_ce(logits, labels)
        counts = valid.sum(-1).clamp_min(1)
        lm_loss = (nll.sum(-1) / counts).sum()
        with torch.no_grad():
            correct = (logits.argmax(-1) == labels) | ~valid
            seq_correct = correct.all(-1)
        q_halt_loss = F.binary_cross_entropy_with_logits(q_halt, seq_correct.float(), reduction="sum")
        q_cont_loss = F.binary_cross_entropy_with_logits(q_cont, target, reduction="sum")
        total = lm_loss + 0.5 * (q_halt_loss + q_cont_loss)
        (total / B).backward()
        lr = LR * min(1.0, step / 2000)  # warm-up schedule (constant lr after)
        emb_lr = EMB_LR * min(1.0, step / 2000)
        sign_sgd(data["ids"], puzzle_local.grad, emb_lr)
        adam_atan2(step, lr)
        carry.update(zH=zH, zL=zL, steps=steps, halted=halted, data=data)
        return float(total)

    times = []
    for step in range(1, args.warmup + args.reps + 1):
        t0 = time.perf_counter()
        loss = train_step(step)
        dt = time.perf_counter() - t0
        if step > args.warmup:
            times.append(dt)
        if not math.isfinite(loss):
            sys.exit(f"torch_step: non-finite loss {loss} at step {step}")
    peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(json.dumps({
        "precision": args.precision, "threads": args.threads, "step_ms": round(statistics.median(times) * 1e3, 1),
        "peak_rss_mb": round(peak_rss_mb, 1), "reps": args.reps, "warmup": args.warmup, "batch": B,
        "min_ms": round(min(times) * 1e3, 1), "torch": torch.__version__, "loss": round(loss, 4),
        "blas": mapped_blas(),
    }), flush=True)


if __name__ == "__main__":
    main()
