#!/usr/bin/env python3
"""Golden vectors for the TRM port, made by running the OFFICIAL TinyRecursiveModels code on CPU.

    /usr/bin/python3 scripts/golden/trm_golden.py --official /tmp/trm-official --out test/golden/trm-mlpt-a

`--official` is a checkout of github.com/SamsungSAILMontreal/TinyRecursiveModels (commit e7b68717), e.g.
    git -C <bare mirror> archive HEAD | tar -x -C /tmp/trm-official
Only its model files are imported (models/recursive_reasoning/trm.py, models/layers.py, models/losses.py,
models/sparse_embedding.py, models/common.py, models/ema.py); they are never modified. pretrain.py (hydra, wandb,
CUDA, distributed) is not importable here: the few training-loop lines it runs (train_batch, evaluate, the EMA
lines of launch) are mirrored below, each next to the official line it stands for.

Output: the folder format of shared/reference/trm-tiny-a (golden.safetensors, golden_f64.safetensors,
config.json, README.md, checkpoint_step_0, MANIFEST.sha256) plus the names trm-spec.md section 9 adds for mlp_t
models, learned positions and exploration draws. Needs only the standard library, torch (Debian's 1.13 works)
and numpy; safetensors are written by hand (8-byte little-endian header length, JSON header, raw bytes).
The torch 1.13 shims and the exact float32 AdamATan2 are in scripts/golden/trm_shims.py (shared with
bench/torch_trm_train.py); the tensor store, the safetensors writer, the batches, the recorded loss-head call, the
TRAIN/EVAL loops and the folder writer in scripts/golden/golden_common.py (shared with hrm_golden.py).

Configuration "trm-mlpt-a" (the one set this script makes): float32, mlp_t, learned positions, a puzzle vector
of 64 = 2 tokens of hidden 32 in a 3-token prefix (the third token is zero padding), halt_exploration_prob 0.5
with every exploration draw recorded. What is run, in order (mirrors trm-tiny-a's README "What was run"):
  1. build the model (seeded) -> init/*; checkpoint_step_0; register the official EMAHelper
  2. TRAIN loop, 4 calls, a new batch per call; backward of (1/batch)*loss after call 1 -> grad/*; per-stage
     trace of call 1 -> trace/call1/*
  3. EVAL loop (inference_mode, batch 1 until all halted)
  4. one optimizer step: official CastedSparseEmbeddingSignSGD_Distributed + AdamATan2 (an exact float32
     re-implementation of the adam-atan2 CUDA kernel) -> updated/*; EMA update -> ema/*
  5. one TRAIN call with the updated parameters (poststep)
  6. VARIANT: random q_head weight, q_head.bias chosen so Q-halting happens, random puzzle table: TRAIN loop
     of 7 calls and EVAL loop
  7. unit tests of the loss functions, AdamATan2, SignSGD and EMAHelper
  8. a float64 run of the same official code (not stored) to measure the float32 round-off of the goldens
"""

import argparse
import importlib
import json
import math
import os
import re
import sys

# Shims for Debian's torch 1.13 and the exact float32 AdamATan2 live beside this file (shared with
# bench/torch_trm_train.py); importing trm_shims first re-runs this script under /usr/bin/python3 if this
# interpreter has no torch.
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from trm_shims import SHIM_DOCS, SHIMS_APPLIED, AdamATan2Exact, install_shims  # noqa: E402

import numpy as np  # noqa: E402
import torch  # noqa: E402
from torch import nn  # noqa: E402

from golden_common import DTYPES, IGNORE_LABEL_ID, GoldenGenerator  # noqa: E402

# ----------------------------------------------------------------------------------------------------------
# The set: model configuration, seeds, hyper-parameters
# ----------------------------------------------------------------------------------------------------------

SET_NAME = "trm-mlpt-a"
OFFICIAL_REPO = "github.com/SamsungSAILMontreal/TinyRecursiveModels"
OFFICIAL_COMMIT = "e7b68717f0a6c4cbb4ce6fbef787b14f42083bd9"

# The official files read, with the sha256 they have at OFFICIAL_COMMIT (as trm-tiny-a's config.json records).
OFFICIAL_FILES = {
    "models/recursive_reasoning/trm.py": "3454818b64a1abb45c062782d380aa4bb560e2cb35db9cc309cf367ca3ac262c",
    "models/layers.py": "e206dca55cc9f864e059b79941805fef73d620bed69b410ac2b1cfb3a963232c",
    "models/losses.py": "1fa6d4af0f4554a3fb2009d1a11d80c50abab9710453995785093b5c355596c3",
    "models/sparse_embedding.py": "9429742ce022918751331acf92c1a9b8d0f2f364e9acef5d71fb81b886c7a2d0",
    "models/common.py": "fa749ad9b68ac0852f9cda157baa3a9c2ff8abaee973751b32b7cd010a4cf859",
    "models/ema.py": "10f4dcbcda44dc044e51aeefa1344cc06e89b42c9d782d012dc018310e98c609",
    "pretrain.py": "5184b37a979e16bc65f60016eb2b084f71d966673451176a9155db866955244d",
    "config/cfg_pretrain.yaml": "df550ff32d5d6ef69ebf66a22e6bf6a87817d763f73312fa973e865e85aa2ba3",
    "config/arch/trm.yaml": "19c2722f5ea36c2d2b8eb193c8431b307add6c904fef70ac5c209ee2d5c4b526",
    "README.md": "b66490852dd4b6922cad60dd237b673c1c45db44c14feac33745e611536317ca",
}

# Passed to TinyRecursiveReasoningModel_ACTV1 as pretrain.create_model passes it (arch fields, then batch_size,
# vocab_size, seq_len, num_puzzle_identifiers, causal=False).
MODEL_CONFIG = {
    "H_cycles": 2,
    "L_cycles": 3,
    "H_layers": 0,
    "L_layers": 2,
    "hidden_size": 32,
    "num_heads": 2,
    "expansion": 4,
    "puzzle_emb_ndim": 64,
    "puzzle_emb_len": 3,
    "pos_encodings": "learned",
    "halt_max_steps": 3,
    "halt_exploration_prob": 0.5,
    "forward_dtype": "float32",
    "mlp_t": True,
    "no_ACT_continue": True,
    "batch_size": 4,
    "vocab_size": 7,
    "seq_len": 10,
    "num_puzzle_identifiers": 5,
    "causal": False,
}

SEEDS = {"model": 6001, "data": 6002, "loop": 6003, "variant": 6004, "unit": 6005}
# The global generator is re-seeded before each TRAIN-mode run (its exploration draws): train SEEDS["loop"],
# poststep and variant/train these (derived from "loop"):
SEED_POSTSTEP_DRAWS = SEEDS["loop"] + 100
SEED_VARIANT_DRAWS = SEEDS["loop"] + 200
TRAIN_CALLS = 4
VARIANT_TRAIN_CALLS = 7
LOSS_TYPE = "stablemax_cross_entropy"
RETURN_KEYS = ["logits", "q_halt_logits", "q_continue_logits", "preds"]

# Hyper-parameters of the README's mlp_t Sudoku command (the official mlp_t run):
#   lr=1e-4 puzzle_emb_lr=1e-4 weight_decay=1.0 puzzle_emb_weight_decay=1.0 ema=True; betas from cfg_pretrain.yaml.
OPTIM = {"lr": 1e-4, "betas": (0.9, 0.95), "weight_decay": 1.0, "puzzle_emb_lr": 1e-4, "puzzle_emb_weight_decay": 1.0}
EMA_RATE = 0.999
UNIT_ADAM = {"lr": 1e-3, "steps": 5}
UNIT_EMA_STEPS = 5

# Margins asserted so that the checker's exact comparisons (argmax, halting) cannot flip on round-off.
MIN_LOGIT_GAP = 2e-4
MIN_Q_HALT_ABS = 1e-3

# ----------------------------------------------------------------------------------------------------------
# Trace of train call 1
# ----------------------------------------------------------------------------------------------------------


class Tracer:
    """Forward hooks (official modules untouched) recording train call 1 stage by stage:
    the input embeddings, the output of every L_level pass, and for the first pass each block's
    mlp_t output ([B, D, T]), mlp input, mlp output and block output."""

    def __init__(self, inner, L_cycles):
        self.inner, self.L_cycles = inner, L_cycles
        self.numbered = []   # (stage name, tensor, grad enabled)
        self.named = {}      # "pass1/layer{i}/{stage}" -> tensor
        self.pass_no = 0
        self.handles = []

    def __enter__(self):
        inner = self.inner
        orig = inner._input_embeddings

        def input_embeddings(*args, **kwargs):
            x = orig(*args, **kwargs)
            self.numbered.append(("input_embeddings", x.detach().clone(), torch.is_grad_enabled()))
            return x

        inner._input_embeddings = input_embeddings  # instance attribute shadows the method for this call
        self.handles.append(inner.L_level.register_forward_pre_hook(self._pre_pass))
        self.handles.append(inner.L_level.register_forward_hook(self._post_pass))
        for i, layer in enumerate(inner.L_level.layers):
            self.handles.append(layer.mlp_t.register_forward_hook(self._keep(i, "mlp_t_out", out=True)))
            self.handles.append(layer.mlp.register_forward_pre_hook(self._keep_in(i, "mlp_in")))
            self.handles.append(layer.mlp.register_forward_hook(self._keep(i, "mlp_out", out=True)))
            self.handles.append(layer.register_forward_hook(self._keep(i, "out", out=True)))
        return self

    def __exit__(self, *exc):
        del self.inner._input_embeddings
        for h in self.handles:
            h.remove()

    def _pre_pass(self, module, inputs):
        self.pass_no += 1

    def _post_pass(self, module, inputs, output):
        # Official loop: per cycle, L_cycles z_L updates then one z_H update.
        kind = "z_L" if (self.pass_no - 1) % (self.L_cycles + 1) < self.L_cycles else "z_H"
        self.numbered.append((kind, output.detach().clone(), torch.is_grad_enabled()))

    def _keep(self, i, stage, out):
        def hook(module, inputs, output):
            if self.pass_no == 1:
                self.named[f"pass1/layer{i}/{stage}"] = output.detach().contiguous().clone()
        return hook

    def _keep_in(self, i, stage):
        def hook(module, inputs):
            if self.pass_no == 1:
                self.named[f"pass1/layer{i}/{stage}"] = inputs[0].detach().contiguous().clone()
        return hook


# ----------------------------------------------------------------------------------------------------------
# The generator
# ----------------------------------------------------------------------------------------------------------


class Generator(GoldenGenerator):
    SET_NAME = SET_NAME
    FORMAT = "trm golden vectors"
    FILES = ["golden.safetensors", "golden_f64.safetensors", "config.json", "README.md", "checkpoint_step_0", "MANIFEST.sha256"]
    OFFICIAL_COMMIT = OFFICIAL_COMMIT
    OFFICIAL_FILES = OFFICIAL_FILES
    MODEL_CONFIG = MODEL_CONFIG
    SEEDS = SEEDS
    RETURN_KEYS = RETURN_KEYS

    def __init__(self, official_dir, out_dir):
        super().__init__(official_dir, out_dir)
        self.notes = []
        self.exploration_effect = {}

    # -- official code ----------------------------------------------------------------------------------------

    def import_official(self):
        install_shims()
        sys.path.insert(0, self.official_dir)
        self.trm = importlib.import_module("models.recursive_reasoning.trm")
        self.losses = importlib.import_module("models.losses")
        self.sparse = importlib.import_module("models.sparse_embedding")
        self.common = importlib.import_module("models.common")
        self.ema_mod = importlib.import_module("models.ema")
        self.check_official_files()

    def build(self, config):
        model = self.trm.TinyRecursiveReasoningModel_ACTV1(dict(config))
        return self.losses.ACTLossHead(model, loss_type=LOSS_TYPE)

    # -- data -------------------------------------------------------------------------------------------------

    def make_batches(self, n):
        """n random batches (see GoldenGenerator.make_batches); batch 4 row 2 has no valid label at all, and
        batch 1 repeats a puzzle id."""
        def adjust(i, batch):
            if i == 3:
                batch["labels"][2] = IGNORE_LABEL_ID
            if i == 0:
                batch["puzzle_identifiers"][2] = batch["puzzle_identifiers"][0]  # a repeated puzzle id: the SignSGD step sums the rows of one id
        return super().make_batches(n, adjust)

    def after_train_call1(self, head, loss):
        # pretrain.train_batch: ((1 / global_batch_size) * loss).backward()
        ((1 / MODEL_CONFIG["batch_size"]) * loss).backward()
        self.grads = {n: p.grad.detach().clone() for n, p in head.named_parameters()}
        pe = head.model.inner.puzzle_emb
        self.local_grad = pe.local_weights.grad.detach().clone()
        self.local_ids1 = pe.local_ids.detach().clone()
        for n, g in self.grads.items():
            self.store.put(f"grad/{n}", g)
        self.store.put("grad/model.inner.puzzle_emb.local_weights", self.local_grad)

    # -- main -------------------------------------------------------------------------------------------------

    def run(self):
        torch.set_num_threads(1)
        self.import_official()
        cfg = MODEL_CONFIG
        put = self.store.put

        # 1. Model, EMA, checkpoint.
        torch.manual_seed(SEEDS["model"])
        head = self.build(cfg)
        self.head = head
        self.init_sd = {k: v.detach().clone() for k, v in head.state_dict().items()}
        for k, v in self.init_sd.items():
            put(f"init/{k}", v)
        self.param_keys = [n for n, _ in head.named_parameters()]
        self.state_keys = list(self.init_sd)
        ema = self.ema_mod.EMAHelper(mu=EMA_RATE)  # pretrain.launch: ema_helper.register(train_state.model)
        ema.register(head)
        os.makedirs(self.out_dir, exist_ok=True)
        self.save_checkpoint(head)

        batches = self.make_batches(VARIANT_TRAIN_CALLS)
        self.batches = batches

        # 2. TRAIN loop with the initial parameters; backward after call 1; trace of call 1.
        tracer = Tracer(head.model.inner, MODEL_CONFIG["L_cycles"])
        self.train_results = self.train_run(head, "train", batches[:TRAIN_CALLS], SEEDS["loop"], around=lambda t: tracer if t == 1 else None,
                                            after=lambda t, loss: self.after_train_call1(head, loss) if t == 1 else None)
        for stage, (name, x, grad) in enumerate(tracer.numbered):
            put(f"trace/call1/{stage:02d}_{name}", x)
        self.trace_order = [(f"{i:02d}_{n}", g) for i, (n, _, g) in enumerate(tracer.numbered) if i > 0]
        for name, x in tracer.named.items():
            put(f"trace/call1/{name}", x)
        put("train/call1/puzzle_emb/local_ids", self.local_ids1)

        # 3. EVAL loop on batch 1. Its z_H/z_L are stored only if they differ from the train calls'.
        eval_results = self.eval_run(head, "eval", batches[0], record=False)
        self.eval_identical = []
        for t, (ec, el, em, eo, eh) in enumerate(eval_results, start=1):
            tc, _, _, to, _, _ = self.train_results[t - 1]
            same = all(torch.equal(a, b) for a, b in [(ec.inner_carry.z_H, tc.inner_carry.z_H), (ec.inner_carry.z_L, tc.inner_carry.z_L),
                                                        (eo["logits"], to["logits"]), (eo["q_halt_logits"], to["q_halt_logits"]),
                                                        (eo["q_continue_logits"], to["q_continue_logits"]), (eo["preds"], to["preds"])])
            self.eval_identical.append(same)
            self.record_call("eval", t, batches[0], ec, el, em, eo, eh, store_z=not same)
        self.eval_calls = len(eval_results)

        # 4. One optimizer step from init/ with the call-1 gradients, then the EMA update.
        self.optimizer_step(head)
        ema.update(head)  # pretrain.launch: ema_helper.update(train_state.model) after train_batch
        for n in self.param_keys:
            put(f"ema/{n}", ema.shadow[n])
        self.check_ema_arithmetic(ema, head)

        # 5. One TRAIN call with the updated parameters from a fresh carry on batch 1.
        self.train_run(head, "poststep", [batches[0]], SEED_POSTSTEP_DRAWS)

        # 6. VARIANT (forward only): real Q-halting with exploration.
        self.variant(head)

        # 7. Unit tests.
        self.loss_unit()
        self.optim_unit()

        # 8. Float64 measurement and the official-code limits (nothing stored).
        self.f64_dev = self.measure_f64()
        self.probe_limits()

        self.finish_notes()
        self.write()

    # -- checkpoint -------------------------------------------------------------------------------------------

    def save_checkpoint(self, head):
        class Compiled(nn.Module):  # torch.compile's OptimizedModule holds the module as `_orig_mod`
            def __init__(self, m):
                super().__init__()
                self._orig_mod = m

        torch.save(Compiled(head).state_dict(), os.path.join(self.out_dir, "checkpoint_step_0"))

    # -- optimizer --------------------------------------------------------------------------------------------

    def optimizer_step(self, head):
        pe = head.model.inner.puzzle_emb
        with torch.no_grad():
            pe.local_ids.copy_(self.local_ids1)  # the step updates the rows of call 1's ids
        assert torch.equal(pe.local_weights.grad, self.local_grad)
        for n, p in head.named_parameters():
            assert torch.equal(p.grad, self.grads[n])
        # pretrain.create_model: [SignSGD(puzzle_emb.buffers()), AdamATan2(model.parameters())], stepped in order.
        sign = self.sparse.CastedSparseEmbeddingSignSGD_Distributed(
            pe.buffers(), world_size=1, lr=OPTIM["puzzle_emb_lr"], weight_decay=OPTIM["puzzle_emb_weight_decay"])
        adam = AdamATan2Exact(head.parameters(), lr=OPTIM["lr"], betas=OPTIM["betas"], weight_decay=OPTIM["weight_decay"])
        for opt in (sign, adam):
            opt.step()
        sign.zero_grad()
        for p in head.parameters():
            p.grad = None
        sd = head.state_dict()
        for k in self.state_keys:
            self.store.put(f"updated/{k}", sd[k])
        assert torch.equal(sd["model.inner.H_init"], self.init_sd["model.inner.H_init"])

    def check_ema_arithmetic(self, ema, head):
        c1, c2 = np.float32(1 - EMA_RATE), np.float32(EMA_RATE)
        for n, p in head.named_parameters():
            want = (c1 * p.detach().numpy()).astype(np.float32) + (c2 * self.init_sd[n].numpy()).astype(np.float32)
            assert np.array_equal(ema.shadow[n].numpy(), want.astype(np.float32)), n
        self.ema_bit_exact = True

    # -- variant ----------------------------------------------------------------------------------------------

    def variant(self, head):
        cfg = MODEL_CONFIG
        D = cfg["hidden_size"]
        head.load_state_dict(self.init_sd)
        torch.manual_seed(SEEDS["variant"])
        q_weight = self.common.trunc_normal_init_(torch.empty(2, D), std=1 / math.sqrt(D))
        table = self.common.trunc_normal_init_(torch.empty(cfg["num_puzzle_identifiers"], cfg["puzzle_emb_ndim"]), std=1 / math.sqrt(D))
        inner = head.model.inner
        seed = SEED_VARIANT_DRAWS

        def set_params(bias0):
            with torch.no_grad():
                inner.q_head.weight.copy_(q_weight)
                inner.q_head.bias.copy_(torch.tensor([bias0, 0.0]))
                inner.puzzle_emb.weights.copy_(table)

        # Probe: q_halt with a zero bias over the variant train run; bias = -(a quantile), rounded to 0.01.
        set_params(0.0)
        probe = self.train_run(head, "variant/train", self.batches, seed, record=False)
        q0 = torch.cat([r[3]["q_halt_logits"] for r in probe]).double()
        chosen = None
        for quantile in (0.6, 0.5, 0.7, 0.4, 0.8, 0.55, 0.65, 0.45, 0.75):
            bias0 = -round(float(torch.quantile(q0, quantile)), 2)
            set_params(bias0)
            res = self.train_run(head, "variant/train", self.batches, seed, record=False)
            ok, info = self.variant_ok(res)
            if ok:
                chosen = (quantile, bias0, info)
                break
        assert chosen is not None, "no q_head bias gave early halting, exploration effects and q margins"
        quantile, bias0, info = chosen
        set_params(bias0)
        sd = head.state_dict()
        for k in ("model.inner.q_head.weight", "model.inner.q_head.bias", "model.inner.puzzle_emb.weights"):
            self.store.put(f"variant/params/{k}", sd[k])
        self.variant_bias = [bias0, 0.0]
        self.variant_quantile = quantile
        self.variant_info = info
        self.train_run(head, "variant/train", self.batches, seed)
        self.eval_run(head, "variant/eval", self.batches[0])
        head.load_state_dict(self.init_sd)

    def variant_ok(self, res):
        """Early Q-halting happens, exploration delays at least one Q-halt, and |q_halt| keeps a margin."""
        M, p = MODEL_CONFIG["halt_max_steps"], MODEL_CONFIG["halt_exploration_prob"]
        early, delayed, min_q = 0, 0, math.inf
        steps_per_call, halted_per_call = [], []
        for carry, loss, metrics, outs, all_halted, draws in res:
            q = outs["q_halt_logits"]
            min_q = min(min_q, float(q.abs().min()))
            steps = carry.steps
            would = (steps >= M) | (q > 0)
            min_halt = (draws["rand"] < p) * draws["randint"]
            early += int((carry.halted & (steps < M)).sum())
            delayed += int((would & ~(steps >= min_halt)).sum())
            steps_per_call.append(steps.tolist())
            halted_per_call.append(carry.halted.tolist())
        info = {"early_halts": early, "exploration_delayed": delayed, "min_abs_q_halt": min_q,
                "steps": steps_per_call, "halted": halted_per_call}
        return early >= 2 and delayed >= 1 and min_q >= MIN_Q_HALT_ABS, info

    # -- unit tests -------------------------------------------------------------------------------------------

    def loss_unit(self):
        V = MODEL_CONFIG["vocab_size"]
        gen = torch.Generator().manual_seed(SEEDS["unit"])
        logits = torch.randn(4, 7, V, generator=gen) * 2.0
        labels = torch.randint(0, V, (4, 7), generator=gen, dtype=torch.int32)
        labels[torch.rand(4, 7, generator=gen) < 0.2] = IGNORE_LABEL_ID
        labels[3] = IGNORE_LABEL_ID
        put = self.store.put
        put("lossfn/logits", logits)
        put("lossfn/labels", labels)
        put("lossfn/stablemax_cross_entropy", self.losses.stablemax_cross_entropy(logits, labels))
        put("lossfn/softmax_cross_entropy", self.losses.softmax_cross_entropy(logits, labels))
        put("lossfn/log_stablemax", self.losses.log_stablemax(logits.double(), dim=-1))
        self.unit_gen = gen

    def optim_unit(self):
        gen, put = self.unit_gen, self.store.put
        # AdamATan2 alone, 5 steps, some exactly-zero gradients.
        p = torch.randn(40, generator=gen)
        put("optim_unit/adam/param_init", p)
        m, v = torch.zeros(40), torch.zeros(40)
        for k in range(1, UNIT_ADAM["steps"] + 1):
            g = torch.randn(40, generator=gen) * 0.1
            g[torch.rand(40, generator=gen) < 0.1] = 0.0
            p, m, v = AdamATan2Exact.update(p, g, m, v, k, UNIT_ADAM["lr"], OPTIM["betas"][0], OPTIM["betas"][1], OPTIM["weight_decay"])
            put(f"optim_unit/adam/step{k}/grad", g)
            put(f"optim_unit/adam/step{k}/param", p)
            put(f"optim_unit/adam/step{k}/exp_avg", m)
            put(f"optim_unit/adam/step{k}/exp_avg_sq", v)
        # The official sparse SignSGD alone: repeated ids (summed), a row with zero gradient (sign 0).
        w = torch.randn(6, 8, generator=gen)
        ids = torch.tensor([2, 0, 2, 5, 2], dtype=torch.int32)
        lg = torch.randn(5, 8, generator=gen)
        lg[3] = 0.0
        put("optim_unit/signsgd/weights_init", w)
        put("optim_unit/signsgd/local_ids", ids)
        put("optim_unit/signsgd/local_weights_grad", lg)
        w2 = w.clone()
        with torch.no_grad():
            self.sparse._sparse_emb_signsgd_dist(lg, ids, w2, lr=OPTIM["puzzle_emb_lr"], weight_decay=OPTIM["puzzle_emb_weight_decay"], world_size=1)
        put("optim_unit/signsgd/weights_updated", w2)
        # The official EMAHelper alone: the parameter is overwritten, then update().
        mod = nn.Module()
        mod.w = nn.Parameter(torch.randn(40, generator=gen))
        put("optim_unit/ema/param_init", mod.w.detach())
        helper = self.ema_mod.EMAHelper(mu=EMA_RATE)
        helper.register(mod)
        for k in range(1, UNIT_EMA_STEPS + 1):
            with torch.no_grad():
                mod.w.copy_(torch.randn(40, generator=gen))
            helper.update(mod)
            put(f"optim_unit/ema/step{k}/param", mod.w.detach())
            put(f"optim_unit/ema/step{k}/shadow", helper.shadow["w"])

    # -- float64 measurement ----------------------------------------------------------------------------------

    def measure_f64(self):
        """max |float32 golden - float64 run| of the same official code over the train calls (not stored).

        The float64 model is the official one built with forward_dtype float64 and loaded with init/; rms_norm
        is replaced by a float64 version for this run only (the official one computes in float32). The
        exploration draws are the recorded ones. per_call: each call starts from the golden carry of the
        previous call; chained: the float64 run carries its own state.
        """
        cfg = dict(MODEL_CONFIG, forward_dtype="float64")
        with torch.random.fork_rng():
            head64 = self.build(cfg)
        head64.load_state_dict(self.init_sd)
        head64.double()
        pe = head64.model.inner.puzzle_emb
        pe._buffers["local_weights"] = torch.zeros(pe.local_weights.shape, dtype=torch.float64, requires_grad=True)
        trm, layers = self.trm, importlib.import_module("models.layers")

        def rms_norm64(h, variance_epsilon):
            return h * torch.rsqrt(h.square().mean(-1, keepdim=True) + variance_epsilon)

        saved = trm.rms_norm
        trm.rms_norm = rms_norm64
        g = self.store.golden
        try:
            head64.train()
            out = {}
            for mode in ("per_call", "chained"):
                carry = None
                z_dev, logit_dev, q_dev, loss_rel, z_per_call = 0.0, 0.0, 0.0, 0.0, []
                for t in range(1, TRAIN_CALLS + 1):
                    c = f"train/call{t}"
                    batch = self.batches[t - 1]
                    if t == 1:
                        carry = head64.initial_carry(batch)
                    elif mode == "per_call":
                        carry = self.golden_carry(f"train/call{t - 1}", torch.float64)
                    replay = {"rand": torch.from_numpy(g[f"{c}/explore/rand"].copy()), "randint": torch.from_numpy(g[f"{c}/explore/randint"].copy())}
                    carry, loss, metrics, outs, _ = self.call(head64, carry, batch, replay=replay)
                    dz = max(float((carry.inner_carry.z_H - torch.from_numpy(g[f"{c}/carry/z_H"]).double()).abs().max()),
                             float((carry.inner_carry.z_L - torch.from_numpy(g[f"{c}/carry/z_L"]).double()).abs().max()))
                    z_dev = max(z_dev, dz)
                    z_per_call.append(dz)
                    logit_dev = max(logit_dev, float((outs["logits"] - torch.from_numpy(g[f"{c}/out/logits"]).double()).abs().max()))
                    q_dev = max(q_dev, float((outs["q_halt_logits"].double() - torch.from_numpy(g[f"{c}/out/q_halt_logits"]).double()).abs().max()))
                    ref = float(self.store.f64[f"{c}/loss"])
                    loss_rel = max(loss_rel, abs(float(loss) - ref) / abs(float(loss)))
                    if t == 1 and mode == "per_call":
                        ((1 / MODEL_CONFIG["batch_size"]) * loss).backward()
                        worst, worst_name = 0.0, None
                        grads64 = {n: p.grad for n, p in head64.named_parameters()}
                        grads64["model.inner.puzzle_emb.local_weights"] = pe.local_weights.grad
                        for n, g64 in grads64.items():
                            gold = torch.from_numpy(g[f"grad/{n}"]).double()
                            scale = float(g64.abs().max())
                            if scale == 0:
                                continue
                            r = float((g64 - gold).abs().max()) / scale
                            if r > worst:
                                worst, worst_name = r, n
                        out["grad_rel"], out["grad_rel_tensor"] = worst, worst_name
                out[mode] = {"z": z_dev, "logits": logit_dev, "q_halt_logits": q_dev, "loss_rel": loss_rel}
                out[f"{mode}_z_per_call"] = z_per_call
        finally:
            trm.rms_norm = saved
        # Growth per L_level pass over the first ACT episode (calls 1..halt_max_steps share one carry).
        M = MODEL_CONFIG["halt_max_steps"]
        passes = MODEL_CONFIG["H_cycles"] * (MODEL_CONFIG["L_cycles"] + 1)
        zc = out["chained_z_per_call"]
        growth = (zc[M - 1] / zc[0]) ** (1 / ((M - 1) * passes)) if zc[0] > 0 else float("nan")
        r = lambda x: float(f"{x:.3g}")  # noqa: E731
        return {
            "per_call": {k: r(v) for k, v in out["per_call"].items()},
            "chained": {k: r(v) for k, v in out["chained"].items()},
            "per_call_z_per_call": [r(x) for x in out["per_call_z_per_call"]],
            "chained_z_per_call": [r(x) for x in zc],
            "chained_growth_per_pass": round(growth, 3),
            "grad_rel": r(out["grad_rel"]),
            "grad_rel_tensor": out["grad_rel_tensor"],
        }

    def golden_carry(self, c, dtype):
        g = self.store.golden
        T = self.trm
        inner = T.TinyRecursiveReasoningModel_ACTV1InnerCarry(
            z_H=torch.from_numpy(g[f"{c}/carry/z_H"].copy()).to(dtype), z_L=torch.from_numpy(g[f"{c}/carry/z_L"].copy()).to(dtype))
        return T.TinyRecursiveReasoningModel_ACTV1Carry(
            inner_carry=inner, steps=torch.from_numpy(g[f"{c}/carry/steps"].copy()), halted=torch.from_numpy(g[f"{c}/carry/halted"].copy()),
            current_data={k: torch.from_numpy(g[f"{c}/carry/current_data/{k}"].copy()) for k in ("inputs", "labels", "puzzle_identifiers")})

    # -- official-code limits ---------------------------------------------------------------------------------

    def probe_limits(self):
        self.limits = []
        batch = self.batches[0]
        with torch.random.fork_rng():
            try:
                head = self.build(dict(MODEL_CONFIG, no_ACT_continue=False))
                head.train()
                head(carry=head.initial_carry(batch), batch=batch, return_keys=[])
                self.limits.append("official limit probe: no_ACT_continue=False ran without error")
            except Exception as e:  # noqa: BLE001 - the message is the finding
                self.limits.append(f"official limit: no_ACT_continue=False fails in TRAIN mode with {type(e).__name__}: {e}")
            try:
                model = self.trm.TinyRecursiveReasoningModel_ACTV1(dict(MODEL_CONFIG))
                head = self.losses.ACTLossHead(model, loss_type="softmax_cross_entropy")
                head.train()
                head(carry=head.initial_carry(batch), batch=batch, return_keys=[])
                self.limits.append("official limit probe: softmax_cross_entropy ran without error")
            except Exception as e:  # noqa: BLE001
                self.limits.append(f"official limit: loss_type softmax_cross_entropy fails in ACTLossHead with {type(e).__name__}: {e}")

    # -- notes, config, README --------------------------------------------------------------------------------

    def finish_notes(self):
        n = self.notes
        n.extend(self.limits)
        order = ", ".join(f"{name} (grad={g})" for name, g in self.trace_order)
        self.trace_note = f"trace order (call 1, L_level passes): {order}"
        n.append(self.trace_note)
        qw = self.grads["model.inner.q_head.weight"][1]
        qb = self.grads["model.inner.q_head.bias"][1]
        assert float(qw.abs().max()) == 0 and float(qb.abs().max()) == 0
        n.append("grad of the q_continue row of ['model.inner.q_head.weight', 'model.inner.q_head.bias'] is exactly 0 (no_ACT_continue: q_continue unused)")
        for t, same in enumerate(self.eval_identical, start=1):
            n.append(f"train call {t} z_H/z_L/logits/q/preds bit-identical to eval call {t}: {same}")
        n.append("train: the exploration draws cannot change a decision (q_halt = -5 < 0 with the official q_head init, and min_halt_steps <= halt_max_steps), so train calls 1..halt_max_steps equal eval's")
        n.append(f"max |float32 golden - float64 run| over the train calls: {json.dumps(self.f64_dev)}")
        n.append(f"variant q_head.bias = {self.variant_bias} (minus the quantile {self.variant_quantile} of the zero-bias q_halt over the variant train run)")
        vi = self.variant_info
        n.append(f"variant train: min |q_halt_logits| = {vi['min_abs_q_halt']:.2e} (halting is q_halt > 0; >= {MIN_Q_HALT_ABS} asserted, so rounding cannot flip a halting decision)")
        n.append(f"variant train: {vi['early_halts']} halts before halt_max_steps; exploration (rand < {MODEL_CONFIG['halt_exploration_prob']} and steps < randint) delayed {vi['exploration_delayed']} row-steps that would otherwise have halted")
        n.append(f"variant train steps per call: {vi['steps']}")
        n.append(f"variant train halted per call: {vi['halted']}")
        gaps = ", ".join(f"{run} {gap:.1e}" for run, gap in self.gaps.items())
        n.append(f"min top-1 minus top-2 logit gap per run (argmax ties are impossible below it): {gaps}")
        for run, gap in self.gaps.items():
            assert gap >= MIN_LOGIT_GAP, f"{run}: logit gap {gap} below {MIN_LOGIT_GAP}; pick other seeds"
        n.append("exploration draws are recorded for every TRAIN-mode call (train, poststep, variant/train): <run>/call{t}/explore/rand = torch.rand_like(q_halt_logits), <run>/call{t}/explore/randint = torch.randint_like(steps, 2, halt_max_steps+1), captured by wrapping torch.rand_like/torch.randint_like around the official forward call")

    def derived(self, head):
        c = head.model.config
        inner = head.model.inner
        P = inner.puzzle_emb_len
        T = c.seq_len + P
        layer0 = inner.L_level.layers[0]
        return {
            "puzzle_emb_len": P,
            "total_seq_len": T,
            "head_dim": c.hidden_size // c.num_heads,
            "mlp_intermediate": layer0.mlp.down_proj.weight.shape[1],
            "mlp_t_intermediate": layer0.mlp_t.down_proj.weight.shape[1] if c.mlp_t else None,
            "embed_scale": inner.embed_scale,
            "num_parameters": sum(p.numel() for p in head.parameters()),
            "L_level_passes_per_call": c.H_cycles * (c.L_cycles + 1),
            "L_level_passes_with_grad": c.L_cycles + 1,
        }

    def official_arch_yaml(self):
        """config/arch/trm.yaml's top-level scalar fields (the nested `loss:` block left out)."""
        out, path = {}, os.path.join(self.official_dir, "config/arch/trm.yaml")
        if not os.path.exists(path):
            return None
        for line in open(path, encoding="utf-8"):
            if not line.strip() or line[0] in " \t#":
                continue
            key, _, value = line.partition(":")
            value = value.split("#")[0].strip()
            if not value:
                continue
            if value in ("True", "true", "False", "false"):
                v = value.lower() == "true"
            else:
                try:
                    v = int(value)
                except ValueError:
                    try:
                        v = float(value)
                    except ValueError:
                        v = value
            out[key.strip()] = v
        return out

    def config_json(self, files):
        head = self.head
        effective = head.model.config.model_dump() if hasattr(head.model.config, "model_dump") else head.model.config.dict()
        passed = {k: v for k, v in MODEL_CONFIG.items()}
        f64_names = list(self.store.f64)
        cfg = {
            "set": self.set_name,
            "model_family": "trm",
            "official_repo": OFFICIAL_REPO,
            "official_commit": OFFICIAL_COMMIT,
            "official_files_sha256": self.file_hashes,
            "torch_version": torch.__version__,
            "device": "cpu",
            "torch_num_threads": torch.get_num_threads(),
            "model_class": "models.recursive_reasoning.trm@TinyRecursiveReasoningModel_ACTV1",
            "loss_head": "models.losses@ACTLossHead",
            "loss_type": LOSS_TYPE,
            "model_config_passed": passed,
            "model_config_effective": effective,
            "official_arch_yaml": self.official_arch_yaml(),
            "derived": self.derived(head),
            "global_batch_size": MODEL_CONFIG["batch_size"],
            "ignore_label_id": IGNORE_LABEL_ID,
            "seeds": SEEDS,
            "train_calls": TRAIN_CALLS,
            "eval_calls": self.eval_calls,
            "variant_train_calls": VARIANT_TRAIN_CALLS,
            "exploration_draws_recorded": {"train": True, "poststep": True, "variant_train": True},
            "variant": {
                "description": "initial params except model.inner.q_head.weight ~ trunc_normal(std=1/sqrt(hidden)), q_head.bias fixed, puzzle_emb.weights ~ trunc_normal(std=1/sqrt(hidden)); forward only",
                "q_bias": self.variant_bias,
                "halt_exploration_prob": MODEL_CONFIG["halt_exploration_prob"],
            },
            "optimizer": {
                "params": "AdamATan2 (own implementation of adam-atan2 0.0.3 math: the CUDA kernel's float32 arithmetic, lerp as fma) over loss_head.parameters()",
                "lr": OPTIM["lr"],
                "betas": list(OPTIM["betas"]),
                "weight_decay": OPTIM["weight_decay"],
                "puzzle_emb": "official CastedSparseEmbeddingSignSGD_Distributed (world_size=1) over puzzle_emb.buffers()",
                "puzzle_emb_lr": OPTIM["puzzle_emb_lr"],
                "puzzle_emb_weight_decay": OPTIM["puzzle_emb_weight_decay"],
                "hparams_source": "README Sudoku-Extreme mlp_t command (lr=1e-4 puzzle_emb_lr=1e-4 weight_decay=1.0 puzzle_emb_weight_decay=1.0 ema=True) + config/cfg_pretrain.yaml (betas)",
                "lr_schedule_note": "pretrain.compute_lr would give lr*step/lr_warmup_steps (= lr/2000) at step 1; the base (post-warmup, lr_min_ratio=1.0) learning rates are used here",
                "grad_scale": "grads are of (1/global_batch_size)*loss, as pretrain.train_batch",
            },
            "ema": {
                "enabled": True,
                "ema_rate": EMA_RATE,
                "helper": "official models.ema.EMAHelper: register(model) at start (shadow = parameter copies), update(model) after each train_batch: shadow = (1-mu)*param + mu*shadow",
                "covers": "named_parameters() with requires_grad (not H_init/L_init/puzzle_emb.weights, which are buffers)",
                "arithmetic": "float32: f32(f32(c1*param) + f32(c2*shadow)), c1 = float32(1-mu), c2 = float32(mu) (asserted bit-exact)",
            },
            "optim_unit": {
                "adam": {"lr": UNIT_ADAM["lr"], "betas": list(OPTIM["betas"]), "weight_decay": OPTIM["weight_decay"], "steps": UNIT_ADAM["steps"]},
                "signsgd": {"lr": OPTIM["puzzle_emb_lr"], "weight_decay": OPTIM["puzzle_emb_weight_decay"]},
                "ema": {"mu": EMA_RATE, "steps": UNIT_EMA_STEPS},
            },
            "shims_applied": SHIMS_APPLIED,
            "shim_docs": SHIM_DOCS,
            "float64_tensors": f64_names,
            "f64_deviation": self.f64_dev,
            "recommended_replay": "per_call",
            "notes": self.notes,
            "files": files,
        }
        return cfg

    def readme_text(self, cfg):
        return Readme(self, cfg).text()


# ----------------------------------------------------------------------------------------------------------
# README
# ----------------------------------------------------------------------------------------------------------

RUNS = ("variant/train", "variant/eval", "train", "eval", "poststep")
METRIC_DESC = "Loss-head metric `{k}` of call {{t}} (sums over the batch, not averaged)."


class Readme:
    def __init__(self, gen, cfg):
        self.g, self.cfg = gen, cfg
        self.store = gen.store

    def dtype(self, name):
        d = DTYPES[self.store.golden[name].dtype]
        return f"{d} (float64 native)" if name in self.store.f64 else d

    @staticmethod
    def collapse(name):
        """('train/call{t}/carry/z_H', index) with the call/step index collapsed."""
        m = re.search(r"/(call|step)(\d+)(/|$)", name)
        if not m:
            return name, None
        letter = "t" if m.group(1) == "call" else "k"
        return name[:m.start()] + f"/{m.group(1)}{{{letter}}}" + name[m.end() - len(m.group(3)):], int(m.group(2))

    def describe(self, p):
        c = MODEL_CONFIG
        for run in RUNS:
            if p.startswith(f"{run}/call{{t}}/"):
                f = p[len(f"{run}/call{{t}}/"):]
                if f.startswith("batch/"):
                    return f"Batch `{f[6:]}` passed to call {{t}} (rows are used only where the incoming carry is halted)."
                if f in ("carry/z_H", "carry/z_L"):
                    z = f[6:]
                    return f"Carry {z} after call {{t}} (inner_carry.{z}, detached): [batch, puzzle_emb_len+seq_len, hidden]."
                if f == "carry/steps":
                    return "Carry steps after call {t} (int32; reset to 0 for halted rows, then +1)."
                if f == "carry/halted":
                    return "Carry halted after call {t} (bool)."
                if f.startswith("carry/current_data/"):
                    return f"Carry current_data[`{f[19:]}`] after call {{t}} (batch row kept until that row halts)."
                if f == "out/logits":
                    return "lm_head(z_H)[:, puzzle_emb_len:] of call {t}: [batch, seq_len, vocab]."
                if f in ("out/q_halt_logits", "out/q_continue_logits"):
                    return f"{f[4:]} of call {{t}}: q_head(z_H[:, 0]) (q_continue is computed but unused)."
                if f == "out/preds":
                    return "outputs['preds'] of call {t}: argmax(logits, -1) (int64; first index on ties)."
                if f == "loss":
                    return "Loss-head total loss of call {t}: lm_loss + 0.5*q_halt_loss (no q_continue term)."
                if f.startswith("metrics/"):
                    return METRIC_DESC.format(k=f[8:])
                if f == "all_halted":
                    return "new_carry.halted.all() of call {t} (5th output of the loss head)."
                if f == "explore/rand":
                    return f"Exploration draw of call {{t}}: the exact torch.rand_like(q_halt_logits) the official forward drew (min_halt_steps = (rand < {c['halt_exploration_prob']}) * randint; halted &= steps >= min_halt_steps)."
                if f == "explore/randint":
                    return f"Exploration draw of call {{t}}: the exact torch.randint_like(steps, low=2, high=halt_max_steps+1 = {c['halt_max_steps'] + 1}) the official forward drew (int32, like steps)."
                if f == "puzzle_emb/local_ids":
                    return "puzzle_emb.local_ids after train call {t} (ids whose rows the SignSGD step updates)."
        if p == "trace/call{t}/00_input_embeddings":
            return "Train call 1: Inner._input_embeddings(inputs, puzzle_identifiers) = embed_scale * 0.707106781 * (cat(puzzle tokens (the 64-wide puzzle vector fills 2 tokens, zero-padded to puzzle_emb_len*hidden), token emb) + embed_pos): [batch, puzzle_emb_len+seq_len, hidden]."
        m = re.match(r"trace/call\{t\}/(\d\d)_(z_[LH])$", p)
        if m:
            return f"Train call 1, L_level pass {m.group(1)}: the new {m.group(2)} it produced (see notes for which passes carry gradient)."
        m = re.match(r"trace/call\{t\}/pass1/layer(\d+)/(\w+)$", p)
        if m:
            i, stage = m.groups()
            return {
                "mlp_t_out": f"Train call 1, first L_level pass (z_L update of cycle 1), layer {i}: output of the token-mixing SwiGLU `mlp_t` in the transposed layout [batch, hidden, tokens] (before the residual add and the RMSNorm over the token axis).",
                "mlp_in": f"Train call 1, first L_level pass, layer {i}: input of the channel SwiGLU `mlp` = transpose(RMSNorm_T(u + mlp_t(u))), u = transpose(h), in [batch, tokens, hidden].",
                "mlp_out": f"Train call 1, first L_level pass, layer {i}: output of `mlp`.",
                "out": f"Train call 1, first L_level pass, layer {i}: block output RMSNorm(mlp_in + mlp_out).",
            }[stage]
        if p.startswith("variant/params/"):
            k = p[len("variant/params/"):]
            return f"Variant run: value of `{k}` (all other params = init/)."
        fixed = {
            "lossfn/logits": "Random logits for the loss-function unit test [4, 7, vocab].",
            "lossfn/labels": "Labels for the loss unit test (int32, -100 = ignore; row 3 fully ignored).",
            "lossfn/stablemax_cross_entropy": "models.losses.stablemax_cross_entropy(logits, labels) per element (0 where ignored; float64).",
            "lossfn/softmax_cross_entropy": "models.losses.softmax_cross_entropy(logits, labels) per element (the function alone; ACTLossHead cannot use it, see notes).",
            "lossfn/log_stablemax": "models.losses.log_stablemax(logits.double(), dim=-1).",
            "optim_unit/adam/param_init": "AdamATan2 unit test: initial parameter vector.",
            "optim_unit/ema/param_init": "Official EMAHelper unit test: parameter at register() time.",
        }
        if p in fixed:
            return fixed[p]
        m = re.match(r"optim_unit/adam/step\{k\}/(\w+)$", p)
        if m:
            return f"AdamATan2 unit test (lr {UNIT_ADAM['lr']:g}, the set's betas and weight decay): `{m.group(1)}` after step {{k}}."
        m = re.match(r"optim_unit/signsgd/(\w+)$", p)
        if m:
            return f"Official _sparse_emb_signsgd_dist unit test (the set's puzzle_emb lr and weight decay): `{m.group(1)}`."
        m = re.match(r"optim_unit/ema/step\{k\}/(\w+)$", p)
        if m:
            return f"Official EMAHelper unit test: `{m.group(1)}` at update {{k}} (the parameter is overwritten with new values, then update())."
        raise KeyError(f"no README description for {p}")

    def param_table(self):
        g = self.store.golden
        keys = self.g.state_keys
        rows = ["| official key | shape | init/ | grad/ | updated/ | ema/ |", "|---|---|---|---|---|---|"]
        for k in keys:
            cells = [self.dtype(f"{grp}/{k}") if f"{grp}/{k}" in g else "-" for grp in ("init", "grad", "updated", "ema")]
            rows.append(f"| `{k}` | {list(g[f'init/{k}'].shape)} | " + " | ".join(cells) + " |")
        lw = "model.inner.puzzle_emb.local_weights"
        rows.append(f"| `{lw}` (non-persistent buffer) | {list(g[f'grad/{lw}'].shape)} | - | F32 | - | - |")
        return "\n".join(rows)

    def other_table(self):
        groups = {}
        for name in self.store.golden:
            if re.match(r"^(init|grad|updated|ema)/", name):
                continue
            p, idx = self.collapse(name)
            e = groups.setdefault(p, {"names": [], "idx": []})
            e["names"].append(name)
            if idx is not None:
                e["idx"].append(idx)
        rows = ["| name | dtype | shape | indices | description |", "|---|---|---|---|---|"]
        for p, e in groups.items():
            first = e["names"][0]
            shape = list(self.store.golden[first].shape)
            idx = f"{min(e['idx'])}..{max(e['idx'])}" if e["idx"] else ""
            rows.append(f"| `{p}` | {self.dtype(first)} | {shape} | {idx} | {self.describe(p)} |")
        return "\n".join(rows)

    def text(self):
        g, cfg, c = self.g, self.cfg, MODEL_CONFIG
        d = cfg["derived"]
        dev = cfg["f64_deviation"]
        f64_list = list(dict.fromkeys(self.collapse(n)[0] for n in self.store.f64))  # collapsed, first-seen order
        vi = g.variant_info
        P, T, D = d["puzzle_emb_len"], d["total_seq_len"], c["hidden_size"]
        eff = json.dumps(cfg["model_config_effective"], indent=1)
        min_gap = min(g.gaps.values())
        lines = f"""# TRM golden vectors: {g.set_name}

Generated by `scripts/golden/trm_golden.py` (this project), which runs the official SamsungSAILMontreal/TinyRecursiveModels model code (commit `{OFFICIAL_COMMIT}`: `models/recursive_reasoning/trm.py`, `models/layers.py`, `models/losses.py`, `models/sparse_embedding.py`, `models/common.py`, `models/ema.py`, imported unmodified) on CPU in float32 under torch {torch.__version__} (Debian python3-torch 1.13.1). Shims needed to run it there (none changes numbers): {", ".join(SHIMS_APPLIED)}; config.json describes each. The training-loop steps of the official `pretrain.py` (not importable without CUDA, wandb, hydra) are mirrored line by line; the AdamATan2 step is an exact fp32 re-implementation of the `adam-atan2` package's CUDA kernel. Regenerate with `/usr/bin/python3 scripts/golden/trm_golden.py --official <checkout of the official repo> --out test/golden/{g.set_name}`.

This set exercises what trm-tiny-a does not: the **mlp_t** block (token-mixing SwiGLU instead of attention), **learned positions**, a **multi-token puzzle embedding** (puzzle_emb_ndim {c['puzzle_emb_ndim']} = 2 tokens of hidden {D} in a {P}-token prefix, the third token zero padding), **halting exploration** (halt_exploration_prob {c['halt_exploration_prob']} with every draw recorded) and the Sudoku optimizer settings (weight decay 1.0, puzzle_emb_lr 1e-4).

## Files

- `golden.safetensors`: every tensor below; dtypes F32/I32/I64/BOOL only. Tensors that are float64 in the official code (stablemax losses) are stored here rounded to F32.
- `golden_f64.safetensors`: the exact float64 values of those tensors, same names (F64).
- `config.json`: model config (as passed to TinyRecursiveReasoningModel_ACTV1 and effective), derived sizes, seeds, optimizer and EMA settings, shims, notes (incl. the two official-code limits probed).
- `checkpoint_step_0`: `torch.save(model.state_dict())` of the torch.compile'd loss head, the format of pretrain.save_train_state: a torch zip archive (root folder `checkpoint_step_0/`, `data.pkl`, `data/0..N`, `version`) holding an OrderedDict with keys `_orig_mod.model.inner.*` = the `init/` tensors (float32, location 'cpu'). Real runs: location 'cuda:0'; with the default forward_dtype bfloat16 H_init/L_init are BF16; TRM's pretrain writes `step_<N>` only after an evaluation, and with ema=True it saves the EMA copy (EMA parameters + the live buffers H_init, L_init, puzzle_emb.weights). At step 0 the EMA copy equals the model. Written by torch 1.13: no `byteorder`/`.data/serialization_id` records that torch>=2.1 adds.
- `MANIFEST.sha256`: sha256 of the other files.

## Model

```json
{eff}
```

Derived: {json.dumps(d)}. Loss: `{LOSS_TYPE}` inside ACTLossHead. Batch {c['batch_size']} (global_batch_size = batch, world_size 1). `H_layers` is ignored by TRM (one network, `L_level`, does every update).

Block (mlp_t): u = transpose(h) [B, D, T]; u = RMSNorm_T(u + SwiGLU_T(u)) (SwiGLU over the token axis, hidden size T = {T}, width {d['mlp_t_intermediate']}; the norm runs over the T axis for every channel); h = transpose(u); h = RMSNorm(h + SwiGLU(h)) (width {d['mlp_intermediate']}). No norm weights. No attention, no RoPE tables (learned positions: `embed_pos.embedding_weight` [T, D]).

Input embedding: x = sqrt(D) * 0.707106781 * (cat(puzzle tokens, embed_tokens[inputs]) + embed_pos), the puzzle tokens being puzzle_emb[id] (width {c['puzzle_emb_ndim']}) zero-padded to puzzle_emb_len*hidden = {P * D} and viewed as [{P}, {D}].

## What was run

1. Build the model with `torch.manual_seed({SEEDS['model']})` (CPU generator) -> `init/*`; register the official EMAHelper on it (as pretrain.launch does right after building the train state).
2. TRAIN mode ACT loop: `carry = head.initial_carry(batch1)`, then {TRAIN_CALLS} calls `carry, loss, metrics, outs, all_halted = head(carry=carry, batch=batch_t, return_keys=[...])` with a NEW batch per call, as pretrain.train_batch gets one from the loader (rows of batch_t are only taken where the row was halted). All calls use the INITIAL parameters. After call 1 only: `((1/batch)*loss).backward()` -> `grad/*`. Per call: `train/call{{t}}/...`, including the exploration draws `explore/*` (global generator seeded {SEEDS['loop']} before the loop).
3. EVAL mode loop (`head.eval()`, `torch.inference_mode()`, same batch1 every call, until all halted = {g.eval_calls} calls) as pretrain.evaluate -> `eval/call{{t}}/...`; its z_H/z_L are not stored where they are bit-identical to `train/call{{t}}/carry/z_*` (asserted per call, see notes).
4. ONE optimizer step with the call-1 gradients (puzzle_emb.local_ids restored to call 1's ids): official CastedSparseEmbeddingSignSGD_Distributed (lr {OPTIM['puzzle_emb_lr']:g}, wd {OPTIM['puzzle_emb_weight_decay']:g}) and AdamATan2 (lr {OPTIM['lr']:g}, betas {tuple(OPTIM['betas'])}, wd {OPTIM['weight_decay']:g}, step 1) -> `updated/*` (hyper-parameters: the README's Sudoku-Extreme mlp_t command, ema=True).
5. EMA update (official EMAHelper, mu = {EMA_RATE}) after that step -> `ema/*`.
6. One TRAIN-mode call with the updated parameters from a fresh carry on batch1 (generator seeded {SEED_POSTSTEP_DRAWS}, draws recorded) -> `poststep/call1/...`.
7. VARIANT (forward only): initial params but random q_head weight, q_head.bias = {g.variant_bias} and a random puzzle-embedding table (`variant/params/*`, generator seeded {SEEDS['variant']}), so that Q-halting (q_halt > 0) happens before the step limit and exploration delays some of it: TRAIN loop over {VARIANT_TRAIN_CALLS} calls (`variant/train/...`, generator seeded {SEED_VARIANT_DRAWS}, draws recorded) and EVAL loop (`variant/eval/...`).
8. Loss functions alone on random logits (`lossfn/*`); AdamATan2, SignSGD and EMAHelper unit tests (`optim_unit/*`).

Batches: {VARIANT_TRAIN_CALLS} random batches (generator seeded {SEEDS['data']}): inputs and labels uniform in [0, vocab), about 30% of labels -100, batch 4 row 2 entirely -100, puzzle ids uniform in [0, {c['num_puzzle_identifiers']}) with a repeated id in batch 1. train uses batches 1..{TRAIN_CALLS}, variant/train batches 1..{VARIANT_TRAIN_CALLS}, eval, poststep and variant/eval batch 1.

Initial carry (not stored): z_H/z_L are `torch.empty` (garbage, always replaced because every row starts halted), steps = 0 (int32), halted = True, current_data = empty_like(batch).

## ACT semantics exercised (official code)

- Reset: rows with incoming `halted` get z_H = H_init, z_L = L_init, steps = 0 and the new batch row; other rows keep carry and data.
- Inner forward (once per call): x = input embeddings; (H_cycles-1) cycles under no_grad, then one with grad; a cycle = L_cycles times `z_L = L_level(z_L, z_H + x)` then `z_H = L_level(z_H, z_L)` (same network; L_level adds its 2nd argument to its 1st, then runs the blocks). Here {d['L_level_passes_per_call']} L_level passes per call, the last {d['L_level_passes_with_grad']} with gradient. Outputs: logits = lm_head(z_H)[:, puzzle_emb_len:], (q_halt, q_continue) = q_head(z_H[:, 0]); carry = detached z_H, z_L.
- steps += 1; is_last = steps >= halt_max_steps. TRAIN (and halt_max_steps > 1; no_ACT_continue = True): halted = is_last | (q_halt > 0), then & (steps >= min_halt_steps) with min_halt_steps = (rand < halt_exploration_prob) * randint(2, halt_max_steps+1) (both drawn every train call and recorded here as `explore/rand`, `explore/randint`). No target_q_continue, no second inner pass. EVAL: halted = is_last only.
- Loss: lm_loss = sum_rows(sum_pos(ce)/max(1, n_valid_row)); q_halt_loss = BCEwithLogits(q_halt, seq_is_correct, sum); total = lm_loss + 0.5*q_halt_loss. Computed on ALL rows each call. seq_is_correct is True for a row with no valid label. Metrics (count, accuracy, exact_accuracy, q_halt_accuracy (q_halt >= 0 vs seq_is_correct), steps, lm_loss, q_halt_loss) only count rows that are halted after the call and have >= 1 valid label; there is no q_continue_loss metric.
- With the official init (q_head.weight = 0, bias = -5) q_halt = -5 < 0, so TRAIN never halts early and exploration (which only delays halting, min_halt_steps <= halt_max_steps) changes nothing: calls 1..halt_max_steps of `train` equal those of `eval`, and the last train call resets every row to the new batch. The q_continue row of q_head gets an exactly-zero gradient (only weight decay moves it). The `variant` runs exercise real halting: {vi['early_halts']} halts before the step limit, and {vi['exploration_delayed']} row-steps where exploration delayed a halt.

## Tensors

Names: `<group>/<official state_dict key>` or `<run>/call<t>/<field>` (t is 1-based). Float64-native tensors (stored rounded to F32 here; exact values under the same names in golden_f64.safetensors): {", ".join(f"`{n}`" for n in f64_list)}.

### Parameters / buffers (init/, grad/, updated/, ema/)

{self.param_table()}

- `init/<key>`: Initial value of official state_dict entry `<key>` (ACTLossHead naming; the official checkpoint stores it as `_orig_mod.<key>`). The state_dict holds the parameters plus the persistent buffers H_init, L_init and puzzle_emb.weights (zero-initialised puzzle table).
- `grad/<key>`: Gradient of parameter `<key>` after train call 1's backward of (1/global_batch_size)*loss (pretrain.train_batch).
- `grad/model.inner.puzzle_emb.local_weights`: Gradient of the sparse puzzle-embedding local weights [batch, puzzle_emb_ndim] (row i = batch row i) after train call 1's backward of (1/batch)*loss.
- `updated/<key>`: State_dict entry `<key>` after ONE optimizer step from init/ using grad/ (AdamATan2 for parameters, SignSGD for puzzle_emb.weights; H_init/L_init unchanged).
- `ema/<key>`: EMA shadow of parameter `<key>` after the EMA update that follows the optimizer step: (1-mu)*updated + mu*init, mu = ema_rate.

### All other tensors

`{{t}}`/`{{k}}` collapse the call/step index; the range is given.

{self.other_table()}

Trace: {g.trace_note}. The numbered z tensors are stored for every pass.

## Notes from the generator

{chr(10).join("- " + n for n in g.notes)}

## Replay and tolerances

Round-off of these float32 goldens, measured against a float64 run of the same official code over the {TRAIN_CALLS} train calls (rms_norm kept in float64; exploration draws replayed; not stored): per call, starting each call from the golden carry: max |dz| {dev['per_call']['z']:.2e}, |dlogits| {dev['per_call']['logits']:.2e}, relative loss {dev['per_call']['loss_rel']:.2e}; chained (the float64 run carries its own state): max |dz| {dev['chained']['z']:.2e}, |dlogits| {dev['chained']['logits']:.2e}, relative loss {dev['chained']['loss_rel']:.2e}; call-1 gradients: max |dgrad| / max |grad| = {dev['grad_rel']:.2e} (worst: `{dev['grad_rel_tensor']}`).

Replay: per_call (`recommended_replay`): start each call t >= 2 from the recorded carry of call t-1 (trm-spec section 8: the mlp_t recursion amplifies float32 round-off; chained max |dz| after train calls 1, 2, ...: {dev['chained_z_per_call']}, about {dev['chained_growth_per_pass']}x per L_level pass over the first ACT episode). Suggested for an fp32 port: forward atol = rtol = 1e-4 (z, logits, q, losses); exact equality for I32/I64/BOOL tensors (steps, halted, current_data, preds, integer metrics); gradients |diff| <= 1e-3 x max|grad of that tensor|; updated and ema params |diff| <= 1e-7 + 2e-7|ref|.

Decision margins (so that exact integer checks are safe): every recorded logits row has top-1 minus top-2 >= {MIN_LOGIT_GAP:g} (argmax, preds, seq_is_correct, accuracies; measured minimum {min_gap:.1e}) and, in the variant train run, every |q_halt| >= {MIN_Q_HALT_ABS:g} (halting is q_halt > 0; measured minimum {vi['min_abs_q_halt']:.2e}). The exploration comparisons use the recorded draws, so they are exact. Step 1 of AdamATan2 moves every parameter with non-zero gradient by (lr/(1-beta1))*atan(1-beta1) = 0.9967*lr (times sign(grad)) after the decay factor (1 - lr*wd) = {1 - OPTIM['lr'] * OPTIM['weight_decay']:g}; the q_continue row of q_head has zero gradient, so only the decay moves it.
"""
        return lines


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--official", required=True, help="checkout of the official TinyRecursiveModels repository (commit e7b68717)")
    ap.add_argument("--out", required=True, help="output folder (created; its name is the set name)")
    args = ap.parse_args()
    Generator(args.official, args.out).run()


if __name__ == "__main__":
    main()
