#!/usr/bin/env python3
"""vtts against piper-tts and against bare ONNX Runtime, on one machine, in one run.

    CARGO_TARGET_DIR=/tmp/benchtarget cargo build --release
    .venv/bin/python tools/bench/bench.py [--quick] [--vtts PATH] [--json out.json]

Runs under the Python that has piper-tts and onnxruntime (the repo's `.venv`, made by
tools/setup-test-env.sh), so both sides use the same ONNX Runtime release. Voices x_low and
medium are generated with tools/voicegen (seed 1) into --voice-dir when missing; tiny is the
committed test voice. Every comparison alternates the two sides (A B A B ...) and reports
medians, so slow phases of a noisy machine hit both. All synthesis is without noise
(noise_scale = noise_w = 0), so both sides produce the same audio and do the same work.

Sections (--only picks some): load, cold, text, overhead, server, frontend, memory.
"""

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import onnxruntime

import procs
import servers
from stream import SENTENCES

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
TINY = REPO / "tests/voices/vi_VN-test-tiny.onnx"
SENTENCE = "Xin chào các bạn, hôm nay trời Hà Nội trong xanh và nắng nhẹ."
NO_NOISE = ["--noise-scale", "0", "--noise-w", "0"]
SECTIONS = ["load", "cold", "text", "overhead", "server", "frontend", "memory"]
med = statistics.median


class Bench:
    def __init__(self, args):
        self.args = args
        self.vtts = args.vtts
        self.python = sys.executable
        self.work = Path(args.work_dir)
        self.work.mkdir(parents=True, exist_ok=True)
        self.quick = args.quick
        self.pairs = args.runs or (2 if self.quick else 4)
        self.results = {}

    # --- the two command lines -------------------------------------------------

    def vtts_speak(self, model, text_args, out):
        return [self.vtts, "-q", "-m", model, *NO_NOISE, *text_args, "-o", out]

    def piper_speak(self, model, out, input_file=None):
        cmd = [self.python, "-m", "piper", "-m", model, *NO_NOISE,
               "--sentence-silence", "0.2", "-f", out]
        return cmd + (["-i", input_file] if input_file else [])

    def voice(self, name):
        if name == "tiny":
            return str(TINY)
        path = Path(self.args.voice_dir) / f"{name}.onnx"
        if not path.exists():
            print(f"generating the {name} voice into {path} (about a minute) ...", flush=True)
            path.parent.mkdir(parents=True, exist_ok=True)
            subprocess.run([self.python, str(REPO / "tools/voicegen/voicegen.py"), "--preset",
                            name, "--seed", "1", "--output", str(path)],
                           check=True, stdout=subprocess.DEVNULL)
        return str(path)

    def sample_rate(self, model):
        with open(model + ".json") as config:
            return json.load(config)["audio"]["sample_rate"]

    def pairs_of(self, n, a, b):
        """Runs a() and b() alternately n times after one untimed warm-up of each."""
        a(), b()
        runs_a, runs_b = [], []
        for i in range(n):
            # Alternate which side goes first so neither always follows the other.
            if i % 2 == 0:
                runs_a.append(a())
                runs_b.append(b())
            else:
                runs_b.append(b())
                runs_a.append(a())
        return runs_a, runs_b

    # --- sections ----------------------------------------------------------------

    def load(self):
        """Voice load: vtts start to first audio vs ONNX Runtime's own steps in Python."""
        rows = {}
        for name in self.args.voices:
            model = self.voice(name)
            first_audio = lambda: procs.run_streamed(  # noqa: E731
                [self.vtts, "-q", "-m", model, *NO_NOISE, "a", "--raw"]).first_byte
            front_end = lambda: procs.run(  # noqa: E731
                [self.vtts, "phonemize", "a"]).wall
            ort_steps = lambda: json.loads(subprocess.run(  # noqa: E731
                [self.python, str(HERE / "ort_load.py"), model], check=True,
                capture_output=True, text=True).stdout)
            vtts_first, ort = self.pairs_of(self.pairs, first_audio, ort_steps)
            fronts = [front_end() for _ in range(self.pairs)]
            rows[name] = {
                "vtts_first_audio_s": med(vtts_first),
                "vtts_phonemize_process_s": med(fronts),
                "ort_import_s": med(o["import"] for o in ort),
                "ort_session_s": med(o["session"] for o in ort),
                "ort_first_run_s": med(o["first_run"] for o in ort),
            }
            r = rows[name]
            print(f"  {name:7} vtts start->first audio {ms(r['vtts_first_audio_s'])}"
                  f" (process+front end alone {ms(r['vtts_phonemize_process_s'])});"
                  f" python ORT: import {ms(r['ort_import_s'])}, InferenceSession"
                  f" {ms(r['ort_session_s'])}, first run {ms(r['ort_first_run_s'])}", flush=True)
        return rows

    def cold(self):
        """One short sentence, a fresh process each time (page cache warm).

        vtts's usual start uses the optimised model it cached on its first load of the voice
        (the warm-up run of pairs_of makes it); "first load" runs it with the cache off, as
        on the very first use of a voice.
        """
        rows = {}
        no_cache = dict(os.environ, VTTS_MODEL_CACHE="0")
        for name in self.args.voices:
            model = self.voice(name)
            vtts_cmd = self.vtts_speak(model, [SENTENCE], str(self.work / "cold-vtts.wav"))
            a = lambda: procs.run(vtts_cmd)  # noqa: E731
            first = lambda: procs.run(vtts_cmd, env=no_cache)  # noqa: E731
            b = lambda: procs.run(  # noqa: E731
                self.piper_speak(model, str(self.work / "cold-piper.wav")),
                stdin_text=SENTENCE + "\n")
            va, pb = self.pairs_of(self.pairs, a, b)
            rows[name] = side_by_side(va, pb)
            print_pair(f"cold CLI, one sentence, {name}", rows[name])
            vf, pf = self.pairs_of(max(2, self.pairs // 2), first, b)
            rows[f"{name}, first load"] = side_by_side(vf, pf)
            print_pair(f"cold CLI, one sentence, {name}, first load (no cache)",
                       rows[f"{name}, first load"])
        return rows

    def text(self):
        """The 2,000-character paragraph and the 50 KB text on the medium voice."""
        model = self.voice(self.args.text_voice)
        rate = self.sample_rate(model)
        rows = {}
        texts = [("paragraph", HERE / "data/paragraph.txt", max(2, self.pairs // 2 + 1))]
        if not self.quick:
            texts.append(("50KB", HERE / "data/text50k.txt", 1))
        for label, path, n in texts:
            out_v, out_p = str(self.work / "text-vtts.wav"), str(self.work / "text-piper.wav")
            audio = {}

            def a():
                run = procs.run(self.vtts_speak(model, ["-f", str(path)], out_v))
                audio["vtts"] = procs.wav_seconds(out_v, rate)
                return run

            def b():
                run = procs.run(self.piper_speak(model, out_p, input_file=str(path)))
                audio["piper"] = procs.wav_seconds(out_p, rate)
                return run

            if n > 1:
                va, pb = self.pairs_of(n - 1, a, b)
            else:
                va, pb = [a()], [b()]
            row = side_by_side(va, pb)
            row["chars"] = len(path.read_text(encoding="utf-8"))
            row["audio_s"] = audio
            row["vtts_rtf"] = audio["vtts"] / row["vtts_wall_s"]
            row["piper_rtf"] = audio["piper"] / row["piper_wall_s"]
            rows[label] = row
            print_pair(f"CLI {label} ({row['chars']} chars), {self.args.text_voice}", row)
            print(f"      audio: vtts {audio['vtts']:.1f} s, piper {audio['piper']:.1f} s;"
                  f" audio seconds per second: vtts {row['vtts_rtf']:.1f},"
                  f" piper {row['piper_rtf']:.1f}", flush=True)
        return rows

    def overhead(self):
        """vtts on the paragraph vs the same ids through bare ONNX Runtime (Python API).

        vtts writes raw PCM to a pipe and flushes after every model run, so the span from its
        first to its last audio byte is the synthesis of runs 2..N plus the writing. The bare
        side times session.run for the same runs on a warmed-up session with ONNX Runtime's
        default SessionOptions (vtts differs only in what measured no faster or slower: the
        cached graph optimised at the extended level, and memory patterns off).
        """
        model = self.voice(self.args.text_voice)
        paragraph = HERE / "data/paragraph.txt"
        lines = subprocess.run([self.vtts, "phonemize", "-m", model, "-f", str(paragraph)],
                               check=True, capture_output=True, text=True).stdout.splitlines()
        # A sentence too long for one model run is spoken in pieces; phonemize
        # lists their ids as "runs", and the bare side runs exactly those.
        sentences = [json.loads(line) for line in lines]
        runs = [ids for s in sentences for ids in s.get("runs", [s["ids"]])]
        session = onnxruntime.InferenceSession(model, onnxruntime.SessionOptions(),
                                               providers=["CPUExecutionProvider"])
        with open(model + ".json") as config:
            length_scale = json.load(config)["inference"].get("length_scale", 1.0)
        feeds = [{"input": np.array([ids], dtype=np.int64),
                  "input_lengths": np.array([len(ids)], dtype=np.int64),
                  "scales": np.array([0, length_scale, 0], dtype=np.float32)}
                 for ids in runs]
        samples = []

        def bare():
            times = []
            samples.clear()
            for feed in feeds:
                started = time.perf_counter()
                out = session.run(None, feed)[0]
                times.append(time.perf_counter() - started)
                samples.append(out.size)
            return times

        vtts_cmd = [self.vtts, "-q", "-m", model, *NO_NOISE, "-f", str(paragraph), "--raw"]
        vruns, bruns = self.pairs_of(self.pairs, lambda: procs.run_streamed(vtts_cmd),
                                     bare)
        vtts_span = med(r.last_byte - r.first_byte for r in vruns)
        bare_rest = med(sum(t[1:]) for t in bruns)
        bare_all = med(sum(t) for t in bruns)
        silence = round(0.2 * self.sample_rate(model))
        expected = 2 * (sum(samples) + silence * (len(sentences) - 1))
        row = {
            "sentences": len(sentences),
            "model_runs": len(runs),
            "ids": sum(map(len, runs)),
            "vtts_first_to_last_byte_s": vtts_span,
            "bare_ort_runs_2_to_n_s": bare_rest,
            "bare_ort_all_sentences_s": bare_all,
            "vtts_wall_s": med(r.wall for r in vruns),
            "vtts_first_byte_s": med(r.first_byte for r in vruns),
            "overhead_pct": 100 * (vtts_span / bare_rest - 1),
            "same_audio_length": vruns[0].out_bytes == expected,
        }
        print(f"  engine overhead, paragraph ({row['sentences']} sentences, {row['model_runs']}"
              f" model runs, {row['ids']} ids): vtts {ms(vtts_span)} vs bare ORT"
              f" {ms(bare_rest)} for runs 2..N"
              f" -> overhead {row['overhead_pct']:+.1f} %  (same audio length:"
              f" {row['same_audio_length']})", flush=True)
        print(f"      whole vtts process {ms(row['vtts_wall_s'])} = start + first sentence"
              f" {ms(row['vtts_first_byte_s'])} + rest; bare ORT all sentences"
              f" {ms(bare_all)}", flush=True)
        del session
        return row

    def server(self):
        model = self.voice(self.args.server_voice)
        audio_dir = str(self.work / "audio")
        vtts = servers.start_vtts(self.vtts, model, audio_dir, self.args.serve_args.split())
        piper = None
        try:
            piper = servers.start_piper(self.python, model, self.flask_path())
            both = [vtts, piper]
            for server in both:
                for text in SENTENCES[:3]:
                    servers.request(server, text)
            rows = {"idle_rss_mb": {s.name: s.rss_mb()[0] for s in both}}
            ten = " ".join(SENTENCES)
            n = max(3, self.pairs)
            v, p = self.pairs_of(n, lambda: servers.request(vtts, ten),
                                 lambda: servers.request(piper, ten))
            v1, p1 = self.pairs_of(n, lambda: servers.request(vtts, SENTENCES[0]),
                                   lambda: servers.request(piper, SENTENCES[0]))
            rows["stream_10_sentences"] = {
                "vtts_first_audio_s": med(x[0] for x in v),
                "vtts_total_s": med(x[1] for x in v),
                "vtts_first_sentence_alone_s": med(x[1] for x in v1),
                "piper_first_audio_s": med(x[0] for x in p),
                "piper_total_s": med(x[1] for x in p),
                "piper_first_sentence_alone_s": med(x[1] for x in p1),
            }
            r = rows["stream_10_sentences"]
            print(f"  /tts/stream, 10 sentences, {self.args.server_voice}: first audio"
                  f" {ms(r['vtts_first_audio_s'])} (first sentence alone"
                  f" {ms(r['vtts_first_sentence_alone_s'])}), total {ms(r['vtts_total_s'])};"
                  f" piper /synthesize first audio {ms(r['piper_first_audio_s'])}, total"
                  f" {ms(r['piper_total_s'])}", flush=True)
            seconds = self.args.load_seconds or (5 if self.quick else 15)
            levels = []
            for i, clients in enumerate(self.args.clients):
                order = both if i % 2 == 0 else both[::-1]
                level = {}
                for server in order:
                    cpu = servers.cpu_seconds(server.process.pid)
                    level[server.name] = servers.load(server, SENTENCES, clients, seconds)
                    level[server.name]["cpu_s"] = servers.cpu_seconds(server.process.pid) - cpu
                levels.append(level)
                lv, lp = level["vtts"], level["piper"]
                print(f"  load {clients} client(s), {seconds} s each: vtts {lv['rps']:.2f} req/s"
                      f" p50 {lv['p50_ms']:.0f} p99 {lv['p99_ms']:.0f} ms rss"
                      f" {lv['rss_mb']:.0f} MB err {lv['errors']} | piper {lp['rps']:.2f} req/s"
                      f" p50 {lp['p50_ms']:.0f} p99 {lp['p99_ms']:.0f} ms rss"
                      f" {lp['rss_mb']:.0f} MB err {lp['errors']} | ratio"
                      f" {lv['rps'] / lp['rps']:.2f}", flush=True)
            rows["load"] = levels
            if self.args.soak:
                rows["soak"] = self.soak(vtts)
            return rows
        finally:
            vtts.stop()
            if piper:
                piper.stop()

    def flask_path(self):
        """piper.http_server needs Flask (piper-tts[http]); fetch it by name beside, not into, the venv."""
        import importlib.util
        if importlib.util.find_spec("flask"):
            return None
        target = self.work.parent / "pylib"
        if not (target / "flask").exists():
            print(f"  installing flask for piper.http_server into {target}", flush=True)
            subprocess.run([self.python, "-m", "pip", "install", "-q", "--target", str(target),
                            "flask"], check=True)
        return str(target)

    def soak(self, server):
        """Memory of vtts serve under a long load: RSS after each minute at 4 clients."""
        samples = []
        for minute in range(max(1, round(self.args.soak / 60))):
            result = servers.load(server, SENTENCES, 4, 60)
            samples.append({"minute": minute + 1, "rss_mb": result["rss_mb"],
                            "requests": result["requests"], "errors": result["errors"]})
            print(f"  soak minute {minute + 1}: rss {result['rss_mb']:.1f} MB,"
                  f" {result['requests']} requests, {result['errors']} errors", flush=True)
        return samples

    def frontend(self):
        """Normalise + phonemise + ids alone, on a large text."""
        base = (HERE / "data/text50k.txt").read_text(encoding="utf-8")
        big = self.work / "frontend.txt"
        big.write_text((base + "\n") * (2 if self.quick else 10), encoding="utf-8")
        chars = sum(len(line.strip()) for line in big.read_text(encoding="utf-8").splitlines())
        v = lambda: procs.run([self.vtts, "phonemize", "-f", str(big)])  # noqa: E731
        p = lambda: json.loads(subprocess.run(  # noqa: E731
            [self.python, str(HERE / "piper_phonemize.py"), str(big)], check=True,
            capture_output=True, text=True).stdout)
        vr, pr = self.pairs_of(max(1, self.pairs // 2), v, p)
        startup = med(procs.run([self.vtts, "phonemize", "a"]).wall for _ in range(3))
        vtts_wall = med(r.wall for r in vr)
        row = {
            "chars": chars,
            "vtts_wall_s": vtts_wall,
            "vtts_startup_s": startup,
            "vtts_chars_per_s": chars / vtts_wall,
            "vtts_rss_mb": med(r.rss_mb for r in vr),
            "piper_seconds": med(r["seconds"] for r in pr),
            "piper_chars_per_s": chars / med(r["seconds"] for r in pr),
        }
        print(f"  front end, {chars} chars: vtts {row['vtts_chars_per_s'] / 1e6:.2f} M chars/s"
              f" (whole process {ms(vtts_wall)}, rss {row['vtts_rss_mb']:.0f} MB);"
              f" piper (espeak, in-process) {row['piper_chars_per_s'] / 1e3:.0f} k chars/s;"
              f" ratio {row['vtts_chars_per_s'] / row['piper_chars_per_s']:.0f}x", flush=True)
        return row

    def memory(self):
        """Peak RSS on long texts vs one sentence, raw PCM to /dev/null.

        The 1 MB text is text50k.txt repeated, so it has no sentence that text50k.txt lacks.
        Peak RSS is set by the longest model run and the allocator's high-water mark, not by
        the length of the text, so two runs measure it:
        - medium voice, text50k.txt (about 3 minutes): every sentence of the 1 MB text at
          normal speed, against one sentence on the same voice;
        - tiny voice, the whole 1 MB text at length scale 0.1, which keeps its audio and so
          its run time down (about 4 minutes), to show that RSS does not grow with length.
        """
        base = (HERE / "data/text50k.txt").read_text(encoding="utf-8") + "\n"
        size = (128 if self.quick else 1024) * 1024
        big = self.work / "memory.txt"
        big.write_text(base * -(-size // len(base.encode())), encoding="utf-8")
        medium = [self.vtts, "-q", "-m", self.voice(self.args.text_voice), *NO_NOISE, "--raw"]
        tiny = [self.vtts, "-q", "-m", str(TINY), *NO_NOISE, "--raw", "--length-scale", "0.1"]
        one = med(procs.run(medium + [SENTENCE]).rss_mb for _ in range(3))
        text50k = procs.run(medium + ["-f", str(HERE / "data/text50k.txt")])
        one_tiny = med(procs.run(tiny + [SENTENCE]).rss_mb for _ in range(3))
        long = procs.run(tiny + ["-f", str(big)])
        row = {
            "one_sentence_rss_mb": one,
            "text50k_rss_mb": text50k.rss_mb,
            "text50k_wall_s": text50k.wall,
            "text50k_difference_mb": text50k.rss_mb - one,
            "one_sentence_ls01_rss_mb": one_tiny,
            "text_bytes": big.stat().st_size,
            "long_text_rss_mb": long.rss_mb,
            "long_text_wall_s": long.wall,
            "difference_mb": long.rss_mb - one_tiny,
        }
        print(f"  memory, {self.args.text_voice}: one sentence {one:.1f} MB, 50 KB text"
              f" {text50k.rss_mb:.1f} MB (+{row['text50k_difference_mb']:.1f} MB,"
              f" {text50k.wall:.0f} s); tiny at length scale 0.1: one sentence {one_tiny:.1f} MB,"
              f" {row['text_bytes'] / 1024:.0f} KB text {long.rss_mb:.1f} MB"
              f" (+{row['difference_mb']:.1f} MB, {long.wall:.0f} s)", flush=True)
        return row


def summary(results):
    """The headline table, in Markdown."""
    rows = []

    def add(measure, vtts, piper, ratio, target=""):
        rows.append(f"| {measure} | {vtts} | {piper} | {ratio} | {target} |")

    for name, r in results.get("cold", {}).items():
        add(f"cold CLI, one sentence, {name}: wall", ms(r["vtts_wall_s"]), ms(r["piper_wall_s"]),
            f"{r['wall_ratio_vtts_over_piper']:.2f}",
            "≤ 0.33" + (" ✔" if r["wall_ratio_vtts_over_piper"] <= 1 / 3 else " ✘")
            if name == "medium" else "")
        add(f"cold CLI, one sentence, {name}: peak RSS", f"{r['vtts_rss_mb']:.0f} MB",
            f"{r['piper_rss_mb']:.0f} MB", f"{r['vtts_rss_mb'] / r['piper_rss_mb']:.2f}")
    for label, r in results.get("text", {}).items():
        add(f"CLI {label}: wall", ms(r["vtts_wall_s"]), ms(r["piper_wall_s"]),
            f"{r['wall_ratio_vtts_over_piper']:.2f}")
        add(f"CLI {label}: audio s per s", f"{r['vtts_rtf']:.1f}", f"{r['piper_rtf']:.1f}",
            f"{r['vtts_rtf'] / r['piper_rtf']:.2f}")
        add(f"CLI {label}: peak RSS", f"{r['vtts_rss_mb']:.0f} MB", f"{r['piper_rss_mb']:.0f} MB",
            f"{r['vtts_rss_mb'] / r['piper_rss_mb']:.2f}")
    if "overhead" in results:
        r = results["overhead"]
        add("paragraph synthesis vs bare ONNX Runtime", ms(r["vtts_first_to_last_byte_s"]),
            ms(r["bare_ort_runs_2_to_n_s"]) + " (bare)", f"{r['overhead_pct']:+.1f} %",
            "< 5 %" + (" ✔" if r["overhead_pct"] < 5 else " ✘"))
    if "server" in results:
        s = results["server"]["stream_10_sentences"]
        slack = s["vtts_first_audio_s"] - s["vtts_first_sentence_alone_s"]
        add("/tts/stream 10 sentences: first audio byte", ms(s["vtts_first_audio_s"]),
            ms(s["piper_first_audio_s"]), f"{s['vtts_first_audio_s'] / s['piper_first_audio_s']:.2f}",
            f"≤ first sentence + 50 ms: {ms(slack)} over" + (" ✔" if slack <= 0.05 else " ✘"))
        add("/tts/stream 10 sentences: total", ms(s["vtts_total_s"]), ms(s["piper_total_s"]),
            f"{s['vtts_total_s'] / s['piper_total_s']:.2f}")
        for level in results["server"]["load"]:
            v, p = level["vtts"], level["piper"]
            c = v["clients"]
            add(f"server, {c} client(s): requests/s", f"{v['rps']:.2f}", f"{p['rps']:.2f}",
                f"{v['rps'] / p['rps']:.2f}",
                ("≥ 1" + (" ✔" if v["rps"] >= p["rps"] else " ✘")) if c >= 4 else "")
            add(f"server, {c} client(s): p50 / p99 latency",
                f"{v['p50_ms']:.0f} / {v['p99_ms']:.0f} ms",
                f"{p['p50_ms']:.0f} / {p['p99_ms']:.0f} ms", f"{v['p99_ms'] / p['p99_ms']:.2f} (p99)")
    if "frontend" in results:
        r = results["frontend"]
        add("front end: characters per second", f"{r['vtts_chars_per_s']:,.0f}",
            f"{r['piper_chars_per_s']:,.0f}", f"{r['vtts_chars_per_s'] / r['piper_chars_per_s']:.0f}×")
    if "memory" in results:
        r = results["memory"]
        add("peak RSS, 50 KB text (every sentence of the 1 MB text) vs one sentence",
            f"{r['text50k_rss_mb']:.0f} vs {r['one_sentence_rss_mb']:.0f} MB", "",
            f"+{r['text50k_difference_mb']:.0f} MB",
            "≤ +100 MB" + (" ✔" if r["text50k_difference_mb"] <= 100 else " ✘"))
        add(f"peak RSS, {r['text_bytes'] // 1024} KB text vs one sentence (tiny, length scale 0.1)",
            f"{r['long_text_rss_mb']:.0f} vs {r['one_sentence_ls01_rss_mb']:.0f} MB", "",
            f"+{r['difference_mb']:.0f} MB", "")
    head = ["| measure | vtts | piper-tts | vtts/piper | target |", "|---|---|---|---|---|"]
    return "\n".join(head + rows)


def side_by_side(vtts_runs, piper_runs):
    row = {
        "runs": len(vtts_runs),
        "vtts_wall_s": med(r.wall for r in vtts_runs),
        "piper_wall_s": med(r.wall for r in piper_runs),
        "vtts_rss_mb": med(r.rss_mb for r in vtts_runs),
        "piper_rss_mb": med(r.rss_mb for r in piper_runs),
        # CPU seconds tell contention from other load apart from slower code.
        "vtts_cpu_s": med(r.cpu for r in vtts_runs),
        "piper_cpu_s": med(r.cpu for r in piper_runs),
    }
    # Ratio of medians, and the median of per-pair ratios (robust to drift).
    row["wall_ratio_vtts_over_piper"] = row["vtts_wall_s"] / row["piper_wall_s"]
    row["pairwise_ratio_median"] = med(v.wall / p.wall for v, p in zip(vtts_runs, piper_runs))
    return row


def print_pair(label, row):
    print(f"  {label}: vtts {ms(row['vtts_wall_s'])} {row['vtts_rss_mb']:.0f} MB | piper"
          f" {ms(row['piper_wall_s'])} {row['piper_rss_mb']:.0f} MB | vtts/piper wall"
          f" {row['wall_ratio_vtts_over_piper']:.3f} (pairwise {row['pairwise_ratio_median']:.3f},"
          f" {row['runs']} runs; CPU s vtts {row['vtts_cpu_s']:.2f}, piper {row['piper_cpu_s']:.2f})",
          flush=True)


def ms(seconds):
    return f"{seconds * 1000:,.0f} ms"


def machine(vtts):
    def out(cmd):
        try:
            return subprocess.run(cmd, capture_output=True, text=True).stdout.strip()
        except OSError:
            return None

    model = next((line.split(":", 1)[1].strip() for line in out(["lscpu"]).splitlines()
                  if line.startswith("Model name")), platform.processor())
    with open("/proc/meminfo") as meminfo:
        ram_kb = int(meminfo.readline().split()[1])
    from importlib.metadata import version
    commit = out(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"])
    dirty = out(["git", "-C", str(REPO), "status", "--porcelain", "--untracked-files=no"])
    return {
        "cpu": model,
        "cores": os.cpu_count(),
        "ram_gb": round(ram_kb / 1024 / 1024, 1),
        "kernel": platform.release(),
        "vtts": out([vtts, "--version"]),
        "vtts_commit": commit + ("-dirty" if dirty else ""),
        "rustc": out(["rustc", "--version"]),
        "onnxruntime": onnxruntime.__version__,
        "piper_tts": version("piper-tts"),
        "python": platform.python_version(),
    }


def main():
    target = os.environ.get("CARGO_TARGET_DIR", str(REPO / "target"))
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="fewer runs, 5 s load windows, no 50 KB CLI run, 128 KB memory text")
    parser.add_argument("--vtts", default=os.path.join(target, "release/vtts"))
    parser.add_argument("--voices", default="tiny,x_low,medium",
                        type=lambda s: s.split(","), help="voices for load and cold sections")
    parser.add_argument("--text-voice", default="medium")
    parser.add_argument("--server-voice", default="medium")
    parser.add_argument("--voice-dir", default="/tmp/vtts-bench/voices")
    parser.add_argument("--work-dir", default="/tmp/vtts-bench/work")
    parser.add_argument("--runs", type=int, help="pairs per comparison (default 4, quick 2)")
    parser.add_argument("--clients", default="1,2,4,8",
                        type=lambda s: [int(c) for c in s.split(",")])
    parser.add_argument("--load-seconds", type=float, help="seconds per load window")
    parser.add_argument("--serve-args", default="",
                        help="extra options for vtts serve, e.g. '--workers 1'")
    parser.add_argument("--soak", type=float, default=0,
                        help="after the load levels, keep 4 clients on vtts for this many"
                             " seconds and report its RSS every minute")
    parser.add_argument("--only", default=",".join(SECTIONS), type=lambda s: s.split(","),
                        help="sections to run: " + ",".join(SECTIONS))
    parser.add_argument("--json", help="write the results here")
    args = parser.parse_args()
    if not os.path.exists(args.vtts):
        sys.exit(f"no vtts binary at {args.vtts}: build it (cargo build --release) or pass --vtts")
    bench = Bench(args)
    results = {"machine": machine(args.vtts), "quick": args.quick}
    print(json.dumps(results["machine"]))
    started = time.perf_counter()
    for section in SECTIONS:
        if section in args.only:
            print(f"[{section}] load average {os.getloadavg()[0]:.2f}", flush=True)
            results[section] = getattr(bench, section)()
    results["seconds"] = time.perf_counter() - started
    print()
    print(summary(results))
    print(f"\ndone in {results['seconds']:.0f} s")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2) + "\n")
        print(f"wrote {args.json}")


if __name__ == "__main__":
    main()
