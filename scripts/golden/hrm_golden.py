#!/usr/bin/env python3
"""A small HRM golden folder whose VARIANT run has its own exploration probability, made by running the OFFICIAL
HRM code on CPU (the recipe of shared/reference/hrm-tiny-a's README).

    git -C /work/.mirror/sapientinc+HRM/repo archive HEAD | tar -x -C /tmp/hrm-official
    /usr/bin/python3 scripts/golden/hrm_golden.py --official /tmp/hrm-official --out test/golden/hrm-explore-b

Only the official model files are imported (models/hrm/hrm_act_v1.py, models/layers.py, models/losses.py,
models/sparse_embedding.py, models/common.py), never modified. Shims: those of scripts/golden/trm_shims.py
(nn.Buffer, ParamsT, bare @torch.no_grad, int32 index tensors, pydantic) plus a `flash_attn` module holding an
exact float32 softmax attention (flash-attn has no CPU build). The tensor store, safetensors writer, batches,
recorded loss-head call, TRAIN/EVAL loops and folder writer are shared with trm_golden.py (golden_common.py).

Set "hrm-explore-b": model config halt_exploration_prob = 0.1, but the variant run sets the official ACT
wrapper's config.halt_exploration_prob to 0.5 (a run-level setting, config.json `variant.halt_exploration_prob`);
every exploration draw of every TRAIN-mode call is recorded, so a replay is deterministic, and the generator
asserts that replaying the variant with the model's 0.1 would change a halting decision. The folder also holds
`debug/input_embeddings_batch1` (the input embeddings of train call 1's batch with the initial parameters).
What is run: init/ -> debug tensor -> TRAIN loop (3 calls, new batch per call) -> EVAL loop (batch 1) ->
VARIANT (random q_head weight, q_head.bias chosen so Q-halting happens, random puzzle table; exploration 0.5):
TRAIN loop of 6 calls and EVAL loop. No gradients, optimizer step or unit tests (hrm-tiny-a has those).
"""

import argparse
import importlib
import json
import math
import os
import re
import sys
import types

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from trm_shims import SHIM_DOCS, SHIMS_APPLIED, install_shims  # noqa: E402  (re-runs under /usr/bin/python3 if needed)

import numpy as np  # noqa: E402
import torch  # noqa: E402

from golden_common import GoldenGenerator  # noqa: E402

SET_NAME = "hrm-explore-b"
OFFICIAL_REPO = "github.com/sapientinc/HRM"
OFFICIAL_COMMIT = "42410daaaf6ac8b266536d105a6e2362ffe40929"
OFFICIAL_FILES = {  # sha256 at OFFICIAL_COMMIT (as hrm-tiny-a's config.json records)
    "models/hrm/hrm_act_v1.py": "b9c5195fc14c6f451569434905cd16849d6c56ff7723f5844604b48065ebfd39",
    "models/layers.py": "43a990635a8e9b04d9459f3715f66dd67ff53d2b0d8c354fb7c9bbde0f1cf561",
    "models/losses.py": "f27e777cf5dcc7d9d78e57c92e521ab02808f4976e988bf253a79fd597e35257",
    "models/sparse_embedding.py": "e827a577d2f8bc1e2e56ef0b5151a269a424fc33c8da38cfc63f6ea6f5814ec6",
    "models/common.py": "fa749ad9b68ac0852f9cda157baa3a9c2ff8abaee973751b32b7cd010a4cf859",
}

MODEL_CONFIG = {
    "H_cycles": 2, "L_cycles": 2, "H_layers": 1, "L_layers": 1, "hidden_size": 32, "num_heads": 2, "expansion": 4,
    "puzzle_emb_ndim": 32, "pos_encodings": "rope", "halt_max_steps": 3, "halt_exploration_prob": 0.1,
    "forward_dtype": "float32", "batch_size": 3, "vocab_size": 6, "seq_len": 8, "num_puzzle_identifiers": 4, "causal": False,
}
VARIANT_EXPLORATION_PROB = 0.5
SEEDS = {"model": 7101, "data": 7102, "loop": 7103, "variant": 7104}
SEED_VARIANT_DRAWS = SEEDS["loop"] + 200
TRAIN_CALLS = 3
VARIANT_TRAIN_CALLS = 6
LOSS_TYPE = "stablemax_cross_entropy"
IGNORE_LABEL_ID = -100
RETURN_KEYS = ["logits", "q_halt_logits", "q_continue_logits"]
MIN_LOGIT_GAP = 2e-4
MIN_Q_GAP = 1e-3  # |q_halt - q_continue| in the variant train run, so rounding cannot flip a halting decision

FLASH_ATTN_DOC = ("models/layers.py imports flash_attn_func from flash_attn_interface (FA3) or flash_attn (FA2); neither exists on CPU. "
                  "A module `flash_attn` provides flash_attn_func(q, k, v, causal) on [B, S, H, D]: softmax(q k^T / sqrt(D)) v in float32 "
                  "(causal masks key > query), returned as a contiguous [B, S, H, D] tensor.")


def install_flash_attn():
    def flash_attn_func(q, k, v, causal=False):
        qt, kt, vt = (x.transpose(1, 2) for x in (q, k, v))  # [B, H, S, D]
        scores = (qt @ kt.transpose(-2, -1)) * (1.0 / math.sqrt(q.shape[-1]))
        if causal:
            n = scores.shape[-1]
            scores = scores.masked_fill(~torch.ones(n, n, dtype=torch.bool).tril(), float("-inf"))
        return (torch.softmax(scores, dim=-1) @ vt).transpose(1, 2).contiguous()

    mod = types.ModuleType("flash_attn")
    mod.flash_attn_func = flash_attn_func
    sys.modules["flash_attn"] = mod


class Generator(GoldenGenerator):
    SET_NAME = SET_NAME
    FORMAT = "hrm golden vectors"
    FILES = ["golden.safetensors", "golden_f64.safetensors", "config.json", "README.md", "MANIFEST.sha256"]
    OFFICIAL_COMMIT = OFFICIAL_COMMIT
    OFFICIAL_FILES = OFFICIAL_FILES
    MODEL_CONFIG = MODEL_CONFIG
    SEEDS = SEEDS
    RETURN_KEYS = RETURN_KEYS
    TRAIN_RETURN_KEYS = ("target_q_continue",)  # the official HRM computes it in TRAIN mode (ACT continue)
    OPTIONAL_METRICS = ("q_continue_loss",)

    def import_official(self):
        install_shims()
        install_flash_attn()
        sys.path.insert(0, self.official_dir)
        self.hrm = importlib.import_module("models.hrm.hrm_act_v1")
        self.losses = importlib.import_module("models.losses")
        self.common = importlib.import_module("models.common")
        self.check_official_files()

    def run(self):
        torch.set_num_threads(1)
        self.import_official()
        put = self.store.put
        torch.manual_seed(SEEDS["model"])
        head = self.losses.ACTLossHead(self.hrm.HierarchicalReasoningModel_ACTV1(dict(MODEL_CONFIG)), loss_type=LOSS_TYPE)
        self.head = head
        inner = head.model.inner
        init_sd = {k: v.detach().clone() for k, v in head.state_dict().items()}
        for k, v in init_sd.items():
            put(f"init/{k}", v)
        put("rope/cos_cached", inner.rotary_emb.cos_cached)
        put("rope/sin_cached", inner.rotary_emb.sin_cached)
        batches = self.make_batches(VARIANT_TRAIN_CALLS)

        # Debug tensor: the input embeddings of train call 1's batch with the initial parameters.
        head.eval()
        with torch.no_grad():
            put("debug/input_embeddings_batch1", inner._input_embeddings(batches[0]["inputs"], batches[0]["puzzle_identifiers"]))
        head.train()

        self.train_run(head, "train", batches[:TRAIN_CALLS], SEEDS["loop"])
        self.eval_calls = len(self.eval_run(head, "eval", batches[0]))
        self.variant(head, inner, init_sd, batches)

    def variant(self, head, inner, init_sd, batches):
        D = MODEL_CONFIG["hidden_size"]
        torch.manual_seed(SEEDS["variant"])
        q_weight = self.common.trunc_normal_init_(torch.empty(2, D), std=1 / math.sqrt(D))
        table = self.common.trunc_normal_init_(torch.empty(MODEL_CONFIG["num_puzzle_identifiers"], MODEL_CONFIG["puzzle_emb_ndim"]), std=1 / math.sqrt(D))

        def set_params(bias0):
            head.load_state_dict(init_sd)
            with torch.no_grad():
                inner.q_head.weight.copy_(q_weight)
                inner.q_head.bias.copy_(torch.tensor([bias0, 0.0]))
                inner.puzzle_emb.weights.copy_(table)

        # The run-level setting: the official ACT wrapper reads self.config.halt_exploration_prob at every call.
        head.model.config.halt_exploration_prob = VARIANT_EXPLORATION_PROB
        set_params(0.0)
        probe = self.train_run(head, "variant/train", batches, SEED_VARIANT_DRAWS, record=False)
        q0 = torch.cat([(o["q_halt_logits"] - o["q_continue_logits"]) for _, _, _, o, _, _ in probe]).double()
        chosen = None
        for quantile in (0.6, 0.5, 0.7, 0.4, 0.8, 0.55, 0.65, 0.45, 0.75, 0.35, 0.85):
            bias0 = -round(float(torch.quantile(q0, quantile)), 2)
            set_params(bias0)
            ok, info = self.variant_ok(self.train_run(head, "variant/train", batches, SEED_VARIANT_DRAWS, record=False))
            if ok:
                chosen = (quantile, bias0, info)
                break
        assert chosen is not None, "no q_head bias gave early halting and a decision that depends on the run's exploration probability"
        self.variant_quantile, bias0, self.variant_info = chosen
        self.variant_bias = [bias0, 0.0]
        set_params(bias0)
        sd = head.state_dict()
        for k in ("model.inner.q_head.weight", "model.inner.q_head.bias", "model.inner.puzzle_emb.weights"):
            self.store.put(f"variant/params/{k}", sd[k])
        self.train_run(head, "variant/train", batches, SEED_VARIANT_DRAWS)
        self.variant_eval_calls = len(self.eval_run(head, "variant/eval", batches[0]))
        head.model.config.halt_exploration_prob = MODEL_CONFIG["halt_exploration_prob"]
        head.load_state_dict(init_sd)

    def variant_ok(self, res):
        """Early Q-halting, and at least one row-step whose halting flips between the run's probability and the model's:
        it would halt, rand lies in [model p, run p) and steps < randint (delayed at the run's p, halted at the model's)."""
        M, p_run, p_model = MODEL_CONFIG["halt_max_steps"], VARIANT_EXPLORATION_PROB, MODEL_CONFIG["halt_exploration_prob"]
        early, flips, min_gap = 0, 0, math.inf
        steps_per_call, halted_per_call = [], []
        for carry, _, _, outs, _, draws in res:
            d = outs["q_halt_logits"] - outs["q_continue_logits"]
            min_gap = min(min_gap, float(d.abs().min()))
            steps = carry.steps
            would = (steps >= M) | (d > 0)
            r = draws["rand"]
            flips += int((would & (r >= p_model) & (r < p_run) & (steps < draws["randint"])).sum())
            early += int((carry.halted & (steps < M)).sum())
            steps_per_call.append(steps.tolist())
            halted_per_call.append(carry.halted.tolist())
        info = {"early_halts": early, "flips_with_model_prob": flips, "min_abs_q_gap": min_gap, "steps": steps_per_call, "halted": halted_per_call}
        return early >= 2 and flips >= 1 and min_gap >= MIN_Q_GAP, info

    # -- output -----------------------------------------------------------------------------------------------

    def notes(self):
        vi = self.variant_info
        for run, gap in self.gaps.items():
            assert gap >= MIN_LOGIT_GAP, f"{run}: logit gap {gap} below {MIN_LOGIT_GAP}; pick other seeds"
        return [
            f"variant run: halt_exploration_prob {VARIANT_EXPLORATION_PROB} (set on the official ACT wrapper's config for that run only) while the model config has {MODEL_CONFIG['halt_exploration_prob']}",
            f"variant q_head.bias = {self.variant_bias} (minus the quantile {self.variant_quantile} of q_halt - q_continue with a zero bias over the variant train run)",
            f"variant train: {vi['early_halts']} halts before halt_max_steps; {vi['flips_with_model_prob']} row-steps would halt with the model's exploration probability but are delayed with the run's (a replay that ignores variant.halt_exploration_prob diverges there)",
            f"variant train: min |q_halt - q_continue| = {vi['min_abs_q_gap']:.2e} (>= {MIN_Q_GAP} asserted)",
            f"variant train steps per call: {vi['steps']}",
            f"variant train halted per call: {vi['halted']}",
            "min top-1 minus top-2 logit gap per run: " + ", ".join(f"{run} {gap:.1e}" for run, gap in self.gaps.items()),
            "exploration draws are recorded for every TRAIN-mode call: <run>/call{t}/explore/rand = torch.rand_like(q_halt_logits), <run>/call{t}/explore/randint = torch.randint_like(steps, 2, halt_max_steps+1)",
            "train: with the official q_head init (q_halt == q_continue == -5) no row halts early, so the draws cannot change a decision there",
        ]

    def config_json(self, files):
        head = self.head
        effective = head.model.config.model_dump()
        return {
            "set": self.set_name,
            "model_family": "hrm",
            "official_repo": OFFICIAL_REPO,
            "official_commit": OFFICIAL_COMMIT,
            "official_files_sha256": self.file_hashes,
            "torch_version": torch.__version__,
            "device": "cpu",
            "torch_num_threads": torch.get_num_threads(),
            "model_class": "models.hrm.hrm_act_v1@HierarchicalReasoningModel_ACTV1",
            "loss_head": "models.losses@ACTLossHead",
            "loss_type": LOSS_TYPE,
            "model_config_passed": dict(MODEL_CONFIG),
            "model_config_effective": effective,
            "global_batch_size": MODEL_CONFIG["batch_size"],
            "ignore_label_id": IGNORE_LABEL_ID,
            "seeds": SEEDS,
            "train_calls": TRAIN_CALLS,
            "eval_calls": self.eval_calls,
            "variant_train_calls": VARIANT_TRAIN_CALLS,
            "exploration_draws_recorded": {"train": True, "variant_train": True},
            "variant": {
                "description": "initial params except model.inner.q_head.weight ~ trunc_normal(std=1/sqrt(hidden)), q_head.bias fixed, puzzle_emb.weights ~ trunc_normal(std=1/sqrt(hidden)); forward only; its own halt_exploration_prob",
                "q_bias": self.variant_bias,
                "halt_exploration_prob": VARIANT_EXPLORATION_PROB,
                "exploration_draws_recorded": True,
            },
            "shims_applied": [s for s in SHIMS_APPLIED if s not in ("sdpa", "einops")] + ["flash_attn"],
            "shim_docs": dict({k: v for k, v in SHIM_DOCS.items() if k not in ("sdpa", "einops")}, flash_attn=FLASH_ATTN_DOC),
            "float64_tensors": list(self.store.f64),
            "notes": self.notes(),
            "files": files,
        }

    def readme_text(self, cfg):
        return readme(self, cfg)


def readme(gen, cfg):
    g = gen.store.golden
    rows = []
    seen = {}
    for name in sorted(g):
        pattern = re.sub(r"call\d+", "call{t}", name)
        a = g[name]
        dt = {np.dtype(np.float32): "F32", np.dtype(np.int32): "I32", np.dtype(np.int64): "I64", np.dtype(np.bool_): "BOOL"}[a.dtype]
        if name in gen.store.f64:
            dt += " (float64 native)"
        t = re.search(r"call(\d+)", name)
        entry = seen.setdefault(pattern, {"dtype": dt, "shape": list(a.shape), "calls": []})
        if t:
            entry["calls"].append(int(t.group(1)))
    for pattern, e in seen.items():
        calls = f"{min(e['calls'])}..{max(e['calls'])}" if e["calls"] else ""
        rows.append(f"| `{pattern}` | {e['dtype']} | {e['shape']} | {calls} |")
    c = MODEL_CONFIG
    return f"""# HRM golden vectors: {gen.set_name}

Made by `scripts/golden/hrm_golden.py` from the official sapientinc/HRM model code (commit `{OFFICIAL_COMMIT}`), on CPU in
float32 under torch {torch.__version__}, with the recipe of `shared/reference/hrm-tiny-a/README.md` (same shims: an exact
float32 softmax attention in place of flash-attn, torch 2.x API stand-ins; config.json lists them). Its point: the
VARIANT run has its own exploration probability, different from the model config's, and the folder holds a
`debug/` tensor; a checker must apply the first and replay the second.

## Files

- `golden.safetensors`: every tensor below (F32/I32/I64/BOOL); float64-native tensors (stablemax losses) rounded to F32.
- `golden_f64.safetensors`: the exact float64 values of those tensors, same names.
- `config.json`: model config (passed and effective), seeds, the run-level settings, shims, notes.
- `MANIFEST.sha256`: sha256 of the other files.

## Model

```json
{json.dumps(cfg["model_config_effective"], indent=1)}
```

Loss `{LOSS_TYPE}` inside ACTLossHead; batch {c['batch_size']} (global_batch_size = batch).

## Run-level settings (config.json)

- `variant.halt_exploration_prob` = {VARIANT_EXPLORATION_PROB}: the VARIANT train run sets the official wrapper's
  `config.halt_exploration_prob` to this value (the model config's is {c['halt_exploration_prob']}, used by the `train` run).
- `variant.q_bias`: the q_head.bias of the variant run (also stored as `variant/params/model.inner.q_head.bias`).
- `exploration_draws_recorded` / `variant.exploration_draws_recorded`: every TRAIN-mode call stores its draws
  (`explore/rand`, `explore/randint`), so a replay is deterministic.

## What was run

1. Build the model with `torch.manual_seed({SEEDS['model']})` -> `init/*`, `rope/*`.
2. `debug/input_embeddings_batch1`: `inner._input_embeddings(batch1.inputs, batch1.puzzle_identifiers)` with the
   initial parameters (eval mode, no_grad): the input embeddings of train call 1's batch, [batch, puzzle_emb_len + seq_len, hidden].
3. TRAIN loop, {TRAIN_CALLS} calls, a new batch per call, exploration {c['halt_exploration_prob']} (draws recorded) -> `train/call{{t}}/*`.
4. EVAL loop on batch 1 (fresh carry, until all halted) -> `eval/call{{t}}/*`.
5. VARIANT: initial params except random q_head.weight, q_head.bias = {gen.variant_bias}, random puzzle table
   (`variant/params/*`); exploration probability {VARIANT_EXPLORATION_PROB}: TRAIN loop of {VARIANT_TRAIN_CALLS} calls
   (draws recorded, global generator seeded {SEED_VARIANT_DRAWS}) -> `variant/train/call{{t}}/*`, then EVAL loop -> `variant/eval/call{{t}}/*`.

Per call the fields are those of hrm-tiny-a's README (batch, carry, out, loss, metrics, all_halted), plus
`out/target_q_continue` in TRAIN mode and `explore/rand` (F32 [B], torch.rand_like(q_halt_logits)),
`explore/randint` (I32 [B], torch.randint_like(steps, 2, halt_max_steps + 1)) for TRAIN-mode calls.

## Tensors

| name | dtype | shape | calls |
|---|---|---|---|
""" + "\n".join(rows) + "\n\n## Notes\n\n" + "\n".join(f"- {n}" for n in cfg["notes"]) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--official", required=True, help="checkout of github.com/sapientinc/HRM")
    ap.add_argument("--out", required=True, help="output folder (its name is the set name)")
    args = ap.parse_args()
    gen = Generator(args.official, args.out)
    gen.run()
    gen.write()


if __name__ == "__main__":
    main()
