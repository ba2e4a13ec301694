"""What the golden generators (hrm_golden.py, trm_golden.py) share: the tensor store and the hand-written
safetensors writer, the official-file check, the random batches, one recorded call of the official ACT loss head
(with its exploration draws), the TRAIN and EVAL loops of pretrain.py, and writing the folder (safetensors,
config.json, README.md, MANIFEST.sha256).

Import it after trm_shims (which re-runs the script under /usr/bin/python3 when this interpreter has no torch).
Needs the standard library, numpy and torch only.
"""

import contextlib
import hashlib
import json
import math
import os
import struct
import sys

import numpy as np
import torch

IGNORE_LABEL_ID = -100
METRICS = ("count", "accuracy", "exact_accuracy", "q_halt_accuracy", "steps", "lm_loss", "q_halt_loss")

# ----------------------------------------------------------------------------------------------------------
# Tensor store and the hand-written safetensors writer
# ----------------------------------------------------------------------------------------------------------

DTYPES = {np.dtype(np.float32): "F32", np.dtype(np.float64): "F64", np.dtype(np.int32): "I32",
          np.dtype(np.int64): "I64", np.dtype(np.bool_): "BOOL"}


class Store:
    """Golden tensors in recording order; float64 tensors go to golden (rounded to F32) and golden_f64 (exact)."""

    def __init__(self):
        self.golden = {}
        self.f64 = {}

    def put(self, name, t):
        assert name not in self.golden, f"duplicate golden tensor {name}"
        if isinstance(t, torch.Tensor):
            a = t.detach().cpu().contiguous().numpy().copy()
        else:
            a = np.asarray(t).copy()
        if a.dtype == np.float64:
            self.f64[name] = a
            a = a.astype(np.float32)
        assert a.dtype in DTYPES, f"{name}: unsupported dtype {a.dtype}"
        self.golden[name] = a

    def has(self, name):
        return name in self.golden


def write_safetensors(path, tensors, metadata):
    """safetensors: u64 little-endian header size, JSON header (sorted names, offsets into the data), data.

    The header is padded with spaces so that the data starts at a multiple of 8 (as the safetensors library does).
    """
    header = {"__metadata__": metadata}
    chunks, offset = [], 0
    for name in sorted(tensors):
        a = np.array(tensors[name], order="C", copy=True)  # (np.ascontiguousarray would make scalars 1-d)
        raw = a.astype(a.dtype.newbyteorder("<"), copy=False).tobytes()
        header[name] = {"dtype": DTYPES[a.dtype], "shape": list(a.shape), "data_offsets": [offset, offset + len(raw)]}
        chunks.append(raw)
        offset += len(raw)
    h = json.dumps(header, sort_keys=True, separators=(",", ":")).encode("utf-8")
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for c in chunks:
            f.write(c)


def read_safetensors(path):
    """Reader for the self-check after writing."""
    b = open(path, "rb").read()
    n = struct.unpack("<Q", b[:8])[0]
    header = json.loads(b[8:8 + n])
    inv = {v: k for k, v in DTYPES.items()}
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        s, e = info["data_offsets"]
        out[name] = np.frombuffer(b[8 + n + s:8 + n + e], dtype=inv[info["dtype"]].newbyteorder("<")).reshape(tuple(info["shape"]))
    return out


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


# ----------------------------------------------------------------------------------------------------------
# Recording helpers
# ----------------------------------------------------------------------------------------------------------


@contextlib.contextmanager
def exploration_draws(record=None, replay=None):
    """Wrap torch.rand_like / torch.randint_like around one official forward call.

    record: a dict that receives the exact tensors the official code drew ('rand', 'randint').
    replay: a dict whose tensors are returned instead of drawing (the float64 measurement run).
    """
    orig_rand, orig_randint = torch.rand_like, torch.randint_like
    seen = {"rand": 0, "randint": 0}

    def recorder(kind, draw):
        """Stand-in for `draw` (torch.rand_like or torch.randint_like) that counts, replays and records as `kind`."""

        def drawn(*args, **kwargs):
            seen[kind] += 1
            r = replay[kind].clone() if replay is not None else draw(*args, **kwargs)
            if record is not None:
                record[kind] = r.clone()
            return r

        return drawn

    torch.rand_like, torch.randint_like = recorder("rand", orig_rand), recorder("randint", orig_randint)
    try:
        yield seen
    finally:
        torch.rand_like, torch.randint_like = orig_rand, orig_randint


def logit_gap(logits):
    """Smallest top-1 minus top-2 over all rows of [.., V] logits."""
    top = torch.topk(logits.reshape(-1, logits.shape[-1]).double(), 2, dim=-1).values
    return float((top[:, 0] - top[:, 1]).min())


# ----------------------------------------------------------------------------------------------------------
# The generator's shared part
# ----------------------------------------------------------------------------------------------------------


class GoldenGenerator:
    """Runs the official ACT loss head and records its calls into a Store. A subclass sets the class fields
    below, imports the official code (`import_official`, ending with `check_official_files()`), runs the set
    (`run`) and describes it (`config_json(files)`, `readme_text(cfg)`)."""

    SET_NAME = None          # the default set name (the output folder's name wins)
    FORMAT = None            # safetensors __metadata__ "format"
    FILES = None             # the folder's files, MANIFEST.sha256 last
    OFFICIAL_COMMIT = None
    OFFICIAL_FILES = None    # relative path -> sha256 at OFFICIAL_COMMIT
    MODEL_CONFIG = None      # as passed to the official model (batch_size, seq_len, vocab_size, ...)
    SEEDS = None             # at least "data"
    RETURN_KEYS = None       # the loss head's return_keys in every call
    TRAIN_RETURN_KEYS = ()   # more return_keys in TRAIN mode
    OPTIONAL_METRICS = ()    # metrics recorded when the loss head returns them

    def __init__(self, official_dir, out_dir):
        self.official_dir = os.path.abspath(official_dir)
        self.out_dir = out_dir
        self.set_name = os.path.basename(os.path.normpath(out_dir)) or self.SET_NAME
        self.store = Store()
        self.gaps = {}

    # -- official code ----------------------------------------------------------------------------------------

    def check_official_files(self):
        """sha256 of the official files read (self.file_hashes); a mismatch or a missing file is warned about."""
        self.file_hashes = {}
        for rel, want in self.OFFICIAL_FILES.items():
            p = os.path.join(self.official_dir, rel)
            if os.path.exists(p):
                got = sha256_file(p)
                self.file_hashes[rel] = got
                if got != want:
                    print(f"WARNING: {rel} sha256 {got} differs from commit {self.OFFICIAL_COMMIT[:8]}'s {want}", file=sys.stderr)
            else:
                print(f"WARNING: {rel} missing from {self.official_dir}", file=sys.stderr)

    # -- data -------------------------------------------------------------------------------------------------

    def make_batches(self, n, adjust=None):
        """n random batches (int32, as the official collate casts them): inputs and labels uniform in [0, V) with
        about 30% of labels ignored (-100), puzzle ids uniform in [0, num_puzzle_identifiers). adjust(i, batch),
        if given, edits batch i (0-based) in place after it is drawn (it must not draw)."""
        c = self.MODEL_CONFIG
        B, S, V, NP = c["batch_size"], c["seq_len"], c["vocab_size"], c["num_puzzle_identifiers"]
        gen = torch.Generator().manual_seed(self.SEEDS["data"])
        batches = []
        for i in range(n):
            inputs = torch.randint(0, V, (B, S), generator=gen, dtype=torch.int32)
            labels = torch.randint(0, V, (B, S), generator=gen, dtype=torch.int32)
            labels[torch.rand(B, S, generator=gen) < 0.3] = IGNORE_LABEL_ID
            ids = torch.randint(0, NP, (B,), generator=gen, dtype=torch.int32)
            batch = {"inputs": inputs, "labels": labels, "puzzle_identifiers": ids}
            if adjust is not None:
                adjust(i, batch)
            batches.append(batch)
        return batches

    # -- one call of the loss head ----------------------------------------------------------------------------

    def call(self, head, carry, batch, draws=None, replay=None):
        """One official loss-head call; the exploration draws (TRAIN mode with halt_max_steps > 1: one rand_like,
        one randint_like) go into `draws`, or come from `replay`."""
        keys = list(self.RETURN_KEYS) + (list(self.TRAIN_RETURN_KEYS) if head.training else [])
        with exploration_draws(record=draws, replay=replay) as seen:
            carry, loss, metrics, outs, all_halted = head(carry=carry, batch=batch, return_keys=keys)
        explores = head.training and self.MODEL_CONFIG["halt_max_steps"] > 1
        assert seen == ({"rand": 1, "randint": 1} if explores else {"rand": 0, "randint": 0}), seen
        return carry, loss, metrics, outs, all_halted

    def record_call(self, prefix, t, batch, carry, loss, metrics, outs, all_halted, draws=None, store_z=True):
        """Store call t of run `prefix` as `<prefix>/call<t>/...`: batch, carry, outputs, loss, metrics, draws."""
        put, c = self.store.put, f"{prefix}/call{t}"
        for k in ("inputs", "labels", "puzzle_identifiers"):
            put(f"{c}/batch/{k}", batch[k])
        if store_z:
            put(f"{c}/carry/z_H", carry.inner_carry.z_H)
            put(f"{c}/carry/z_L", carry.inner_carry.z_L)
        put(f"{c}/carry/steps", carry.steps)
        put(f"{c}/carry/halted", carry.halted)
        for k in ("inputs", "labels", "puzzle_identifiers"):
            put(f"{c}/carry/current_data/{k}", carry.current_data[k])
        for k in list(self.RETURN_KEYS) + [k for k in self.TRAIN_RETURN_KEYS if k in outs]:
            put(f"{c}/out/{k}", outs[k])
        put(f"{c}/loss", loss.detach())
        optional = tuple(k for k in self.OPTIONAL_METRICS if k in metrics)
        assert set(metrics) == set(METRICS + optional), set(metrics)
        for k in METRICS + optional:
            put(f"{c}/metrics/{k}", metrics[k])
        put(f"{c}/all_halted", all_halted)
        if draws:
            put(f"{c}/explore/rand", draws["rand"])
            put(f"{c}/explore/randint", draws["randint"])
        self.gaps[prefix] = min(self.gaps.get(prefix, math.inf), logit_gap(outs["logits"]))

    # -- the loops of pretrain.py -----------------------------------------------------------------------------

    def train_run(self, head, prefix, batches, seed, record=True, around=None, after=None):
        """TRAIN-mode ACT loop (pretrain.train_batch's forward): a new batch per call, the carry kept. Returns
        (carry, loss, metrics, outs, all_halted, draws) per call. around(t): a context manager for call t, or
        None; after(t, loss): run after call t, before it is recorded."""
        head.train()
        torch.manual_seed(seed)  # the exploration draws come from the global CPU generator
        carry = head.initial_carry(batches[0])  # official: train_state.carry = model.initial_carry(batch)
        results = []
        for t, batch in enumerate(batches, start=1):
            draws = {}
            ctx = around(t) if around is not None else None
            with ctx if ctx is not None else contextlib.nullcontext():
                carry, loss, metrics, outs, all_halted = self.call(head, carry, batch, draws)
            results.append((carry, loss, metrics, outs, all_halted, draws))
            if after is not None:
                after(t, loss)
            if record:
                self.record_call(prefix, t, batch, carry, loss, metrics, outs, all_halted, draws)
        return results

    def eval_run(self, head, prefix, batch, record=True, store_z=True):
        """EVAL-mode loop (pretrain.evaluate): fresh carry, the same batch until all halted. Returns
        (carry, loss, metrics, outs, all_halted) per call."""
        head.eval()
        results = []
        with torch.inference_mode():
            carry = head.initial_carry(batch)
            t = 0
            while True:
                t += 1
                carry, loss, metrics, outs, all_halted = self.call(head, carry, batch)
                results.append((carry, loss, metrics, outs, all_halted))
                if record:
                    self.record_call(prefix, t, batch, carry, loss, metrics, outs, all_halted, store_z=store_z)
                if all_halted:
                    break
        head.train()
        return results

    # -- output -----------------------------------------------------------------------------------------------

    def write(self):
        """golden.safetensors and golden_f64.safetensors (read back and compared), config.json, README.md and
        MANIFEST.sha256 (sha256 of the other files) into the output folder."""
        out = self.out_dir
        os.makedirs(out, exist_ok=True)
        meta = {"format": self.FORMAT, "set": self.set_name}
        write_safetensors(os.path.join(out, "golden.safetensors"), self.store.golden, meta)
        write_safetensors(os.path.join(out, "golden_f64.safetensors"), self.store.f64, meta)
        # Self-check: what was written reads back identically.
        back = read_safetensors(os.path.join(out, "golden.safetensors"))
        assert set(back) == set(self.store.golden)
        for k, a in self.store.golden.items():
            assert back[k].dtype == a.dtype and back[k].shape == a.shape and np.array_equal(back[k], a), k
        files = list(self.FILES)
        cfg = self.config_json(files)
        with open(os.path.join(out, "config.json"), "w", encoding="utf-8") as f:
            json.dump(cfg, f, indent=1)
            f.write("\n")
        with open(os.path.join(out, "README.md"), "w", encoding="utf-8") as f:
            f.write(self.readme_text(cfg))
        lines = [f"{sha256_file(os.path.join(out, name))}  {name}" for name in sorted(files) if name != "MANIFEST.sha256"]
        with open(os.path.join(out, "MANIFEST.sha256"), "w", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n")
        total = sum(os.path.getsize(os.path.join(out, name)) for name in files)
        print(f"wrote {out}: {len(self.store.golden)} tensors ({len(self.store.f64)} float64), {total} bytes")

    def config_json(self, files):
        raise NotImplementedError

    def readme_text(self, cfg):
        raise NotImplementedError
