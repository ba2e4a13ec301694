"""HRM in plain PyTorch (CPU): the baseline the benchmarks run next to this port.

A straightforward eager re-statement of the official code (sapientinc/HRM: models/hrm/hrm_act_v1.py,
models/layers.py, models/losses.py, adam-atan2, the sparse sign-SGD puzzle embedding) for Sudoku-shaped
data (81 tokens + 1 puzzle token, vocabulary 11, one puzzle identifier): post-norm RMSNorm without
weights, RoPE (rotate-half), SwiGLU, the 1-step gradient (every L and H call but the last pair under
no_grad), the ACT train segment (halting with exploration, the second no-grad inner forward for the Q
target), stablemax cross entropy in float64 + 0.5 (BCE q_halt + BCE q_continue), AdamATan2 (hrm-spec
5.1) with linear warm-up then constant lr, and sign-SGD on the touched puzzle-embedding rows.

Precision as the official forward_dtype, without autocast: fp32 master weights cast to the compute dtype
at each use; activations and carry in that dtype; RMSNorm, RoPE and softmax in fp32; Q logits fp32;
losses f64. Used by torch_step.py (one timed step) and torch_train.py (a learning curve on real data).
"""
import math

import torch
import torch.nn.functional as F

# config/arch/hrm_v1.yaml + cfg_pretrain.yaml (Sudoku-Extreme-1k)
PAPER = dict(hidden=512, heads=8, H_layers=4, L_layers=4, H_cycles=2, L_cycles=2, expansion=4.0, halt_max=16,
             explore=0.1, lr=1e-4, emb_lr=1e-4, wd=1.0, emb_wd=1.0, warmup=2000)
# the small configuration of the CPU Sudoku reference curve (issue 6) and of the sudoku-cpu preset's origin
CPU = dict(hidden=128, heads=4, H_layers=2, L_layers=2, H_cycles=2, L_cycles=2, expansion=4.0, halt_max=4,
           explore=0.1, lr=1e-3, emb_lr=1e-3, wd=0.1, emb_wd=0.1, warmup=100)


def mlp_width(hidden, expansion):
    """The official SwiGLU width: round(expansion * hidden * 2 / 3) up to a multiple of 256."""
    inter = round(expansion * hidden * 2 / 3)  # Python's round, half to even, as the official code
    return -(-inter // 256) * 256


class Hrm:
    """Parameters, optimizer state and the ACT training carry of one HRM; train_step and evaluate."""

    def __init__(self, cfg, dtype, batch, seed):
        torch.manual_seed(seed)
        self.cfg, self.dtype, self.B = cfg, dtype, batch
        self.S, self.P, self.V, self.n_ids = 81, 1, 11, 1
        D, NH = cfg["hidden"], cfg["heads"]
        self.D, self.NH, self.HD, self.T = D, NH, D // NH, self.S + self.P
        self.I = mlp_width(D, cfg["expansion"])
        self.params = {}
        self.param("embed_tokens", trunc_normal((self.V, D), 1 / math.sqrt(D)))
        self.param("lm_head", trunc_normal((self.V, D), 1 / math.sqrt(D)))
        self.param("q_head.weight", torch.zeros(2, D))
        self.param("q_head.bias", torch.full((2,), -5.0))
        self.levels = {}
        for level in ("H", "L"):
            self.levels[level] = [{
                "qkv": self.param(f"{level}.{i}.qkv", trunc_normal((3 * D, D), 1 / math.sqrt(D))),
                "o": self.param(f"{level}.{i}.o", trunc_normal((D, D), 1 / math.sqrt(D))),
                "gate_up": self.param(f"{level}.{i}.gate_up", trunc_normal((2 * self.I, D), 1 / math.sqrt(D))),
                "down": self.param(f"{level}.{i}.down", trunc_normal((D, self.I), 1 / math.sqrt(self.I))),
            } for i in range(cfg[f"{level}_layers"])]
        self.puzzle_emb = torch.zeros(self.n_ids, D)  # buffer, trained by sign-SGD
        self.H_init = trunc_normal((D,), 1.0).to(torch.bfloat16).to(dtype)
        self.L_init = trunc_normal((D,), 1.0).to(torch.bfloat16).to(dtype)
        inv_freq = 1.0 / (10000.0 ** (torch.arange(0, self.HD, 2, dtype=torch.float32) / self.HD))
        angles = torch.outer(torch.arange(self.T, dtype=torch.float32), inv_freq)
        emb = torch.cat((angles, angles), dim=-1)
        self.cos, self.sin = emb.cos(), emb.sin()  # [T, HD] fp32
        self.opt_state = {n: (torch.zeros_like(p), torch.zeros_like(p)) for n, p in self.params.items()}
        self.carry = None

    def param(self, name, t):
        self.params[name] = t.requires_grad_(True)
        return self.params[name]

    # ---- model ----
    def linear(self, x, w):  # CastedLinear: weight cast to the input dtype at use
        return F.linear(x, w.to(x.dtype))

    def rms_norm(self, x):
        xf = x.float()
        return (xf * torch.rsqrt(xf.square().mean(-1, keepdim=True) + 1e-5)).to(x.dtype)

    def rotate_half(self, x):
        x1, x2 = x[..., : self.HD // 2], x[..., self.HD // 2:]
        return torch.cat((-x2, x1), dim=-1)

    def attention(self, x, w):
        B, T, NH, HD = x.shape[0], self.T, self.NH, self.HD
        qkv = self.linear(x, w["qkv"]).view(B, T, 3 * NH, HD)
        q, k, v = qkv[:, :, :NH], qkv[:, :, NH:2 * NH], qkv[:, :, 2 * NH:]
        c, s = self.cos[:, None, :], self.sin[:, None, :]  # [T, 1, HD] over [B, T, NH, HD]
        q = (q.float() * c + self.rotate_half(q.float()) * s).to(x.dtype)
        k = (k.float() * c + self.rotate_half(k.float()) * s).to(x.dtype)
        q, k, v = (t.transpose(1, 2) for t in (q, k, v))  # [B, NH, T, HD]
        scores = torch.matmul(q, k.transpose(-1, -2)).float() * (1.0 / math.sqrt(HD))
        probs = torch.softmax(scores, dim=-1).to(x.dtype)  # non-causal, no mask
        out = torch.matmul(probs, v).transpose(1, 2).reshape(B, T, self.D)
        return self.linear(out, w["o"])

    def swiglu(self, x, w):
        gate, up = self.linear(x, w["gate_up"]).chunk(2, dim=-1)
        return self.linear(F.silu(gate) * up, w["down"])

    def block(self, h, w):  # post-norm
        h = self.rms_norm(h + self.attention(h, w))
        return self.rms_norm(h + self.swiglu(h, w))

    def module(self, level, z, inj):
        h = z + inj
        for w in self.levels[level]:
            h = self.block(h, w)
        return h

    def input_embedding(self, inputs, puzzle_local):
        tok = F.embedding(inputs, self.params["embed_tokens"].to(self.dtype))
        x = torch.cat((puzzle_local.to(self.dtype).view(inputs.shape[0], self.P, self.D), tok), dim=1)
        return math.sqrt(self.D) * x

    def inner_forward(self, zH, zL, x):
        Hc, Lc = self.cfg["H_cycles"], self.cfg["L_cycles"]
        with torch.no_grad():
            for h in range(Hc):
                for l in range(Lc):
                    if not (h == Hc - 1 and l == Lc - 1):
                        zL = self.module("L", zL, zH + x)  # official: (zH + x) first
                if h != Hc - 1:
                    zH = self.module("H", zH, zL)
        zL = self.module("L", zL, zH + x)  # the 1-step gradient
        zH = self.module("H", zH, zL)
        logits = self.linear(zH, self.params["lm_head"])[:, self.P:]
        q = F.linear(zH[:, 0], self.params["q_head.weight"].to(self.dtype), self.params["q_head.bias"].to(self.dtype)).float()
        return zH.detach(), zL.detach(), logits, q[:, 0], q[:, 1]

    # ---- losses and optimizers ----
    @staticmethod
    def stablemax_ce(logits, labels):
        x = logits.double()
        s = torch.where(x >= 0, x + 1, 1 / (1 - x + 1e-30))
        logp = torch.log(s / s.sum(-1, keepdim=True))
        valid = labels != -100
        nll = -torch.gather(logp, -1, torch.where(valid, labels, 0).long().unsqueeze(-1)).squeeze(-1)
        return torch.where(valid, nll, torch.zeros_like(nll)), valid

    def adam_atan2(self, step, lr):
        b1, b2 = 0.9, 0.95
        step_size = lr / (1 - b1 ** step)
        sqrt_bc2 = math.sqrt(1 - b2 ** step)
        with torch.no_grad():
            for n, p in self.params.items():
                m, v = self.opt_state[n]
                g = p.grad
                p.mul_(1 - lr * self.cfg["wd"])
                m.lerp_(g, 1 - b1)
                v.lerp_(g * g, 1 - b2)
                p.add_(torch.atan2(m, v.sqrt() / sqrt_bc2), alpha=-step_size)
                p.grad = None

    def sign_sgd(self, ids, grad, lr):
        with torch.no_grad():
            uniq, inv = torch.unique(ids, return_inverse=True)
            g = torch.zeros(len(uniq), self.D).index_add_(0, inv, grad)
            self.puzzle_emb[uniq] = self.puzzle_emb[uniq] * (1 - lr * self.cfg["emb_wd"]) - lr * torch.sign(g)

    # ---- one ACT training segment (official train loop: one optimizer step per call) ----
    def train_step(self, step, new):
        """new: {"inputs", "labels", "ids"} long tensors [B, S] / [B]. Returns the step's loss and metrics."""
        B, M = self.B, self.cfg["halt_max"]
        if self.carry is None:
            self.carry = {
                "zH": torch.zeros(B, self.T, self.D, dtype=self.dtype), "zL": torch.zeros(B, self.T, self.D, dtype=self.dtype),
                "steps": torch.zeros(B, dtype=torch.int32), "halted": torch.ones(B, dtype=torch.bool),
                "data": {k: torch.zeros_like(v) for k, v in new.items()},
            }
        carry = self.carry
        halted = carry["halted"]
        # ACT wrapper: reset halted rows to H_init/L_init and replace their data
        zH = torch.where(halted[:, None, None], self.H_init, carry["zH"])
        zL = torch.where(halted[:, None, None], self.L_init, carry["zL"])
        steps = torch.where(halted, torch.zeros_like(carry["steps"]), carry["steps"])
        data = {k: torch.where(halted.view(-1, *([1] * (v.dim() - 1))), new[k], v) for k, v in carry["data"].items()}
        puzzle_local = self.puzzle_emb[data["ids"]].clone().requires_grad_(True)
        x = self.input_embedding(data["inputs"], puzzle_local)
        zH, zL, logits, q_halt, q_cont = self.inner_forward(zH, zL, x)
        with torch.no_grad():
            steps = steps + 1
            is_last = steps >= M
            halted = is_last | (q_halt > q_cont)
            explore = torch.rand(B) < self.cfg["explore"]
            min_halt = explore * torch.randint(2, M + 1, (B,))
            halted = halted & (steps >= min_halt)
            # Q target: a second full inner forward from the new carry on the same data
            x2 = self.input_embedding(data["inputs"], puzzle_local.detach())
            _, _, _, nq_halt, nq_cont = self.inner_forward(zH, zL, x2)
            target = torch.sigmoid(torch.where(is_last, nq_halt, torch.maximum(nq_halt, nq_cont)))
        labels = data["labels"]
        nll, valid = self.stablemax_ce(logits, labels)
        counts = valid.sum(-1).clamp_min(1)
        lm_loss = (nll.sum(-1) / counts).sum()
        with torch.no_grad():
            correct = (logits.argmax(-1) == labels) | ~valid
            seq_correct = correct.all(-1)
            acc = ((correct & valid).sum(-1) / counts)
        q_halt_loss = F.binary_cross_entropy_with_logits(q_halt, seq_correct.float(), reduction="sum")
        q_cont_loss = F.binary_cross_entropy_with_logits(q_cont, target, reduction="sum")
        total = lm_loss + 0.5 * (q_halt_loss + q_cont_loss)
        (total / B).backward()
        warm = min(1.0, step / self.cfg["warmup"]) if self.cfg["warmup"] > 0 else 1.0  # then constant lr
        self.sign_sgd(data["ids"], puzzle_local.grad, self.cfg["emb_lr"] * warm)
        self.adam_atan2(step, self.cfg["lr"] * warm)
        self.carry = {"zH": zH, "zL": zL, "steps": steps, "halted": halted, "data": data}
        n = int(halted.sum())  # official train metrics: over the rows that halted this step
        return {"loss": float(total), "count": n, "accuracy": float(acc[halted].sum()) / max(n, 1),
                "exact_accuracy": float(seq_correct[halted].sum()) / max(n, 1)}

    @torch.no_grad()
    def evaluate(self, inputs, labels, batch):
        """Official eval: every example through halt_max segments; metrics of the last segment."""
        acc_sum, exact_sum = 0.0, 0
        for s in range(0, inputs.shape[0], batch):
            x_in, y = inputs[s:s + batch], labels[s:s + batch]
            n = x_in.shape[0]
            zH = self.H_init.expand(n, self.T, self.D).clone()
            zL = self.L_init.expand(n, self.T, self.D).clone()
            x = self.input_embedding(x_in, self.puzzle_emb[torch.zeros(n, dtype=torch.long)])
            for _ in range(self.cfg["halt_max"]):
                zH, zL, logits, _, _ = self.inner_forward(zH, zL, x)
            valid = y != -100
            correct = (logits.argmax(-1) == y) & valid
            acc_sum += float((correct.sum(-1) / valid.sum(-1).clamp_min(1)).sum())
            exact_sum += int((correct | ~valid).all(-1).sum())
        return acc_sum / inputs.shape[0], exact_sum / inputs.shape[0]


def trunc_normal(shape, std):
    """JAX-style truncated normal (+-2 of the underlying normal), final std = std (official init)."""
    comp = std / 0.87962566103423978
    t = torch.empty(shape)
    torch.nn.init.trunc_normal_(t, std=comp, a=-2 * comp, b=2 * comp)
    return t
