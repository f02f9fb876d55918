"""Voice load in a fresh Python process: ONNX Runtime import, session creation, first run.

Prints JSON with seconds for each step. Uses onnxruntime's default SessionOptions,
which are also what vtts uses (see BENCHMARKS.md), unless --optimized-model is
given: then the model is a pre-optimised one and graph optimisation is off.

    python ort_load.py MODEL [--optimized-model]
"""

import json
import sys
import time

started = time.perf_counter()
import numpy as np  # noqa: E402
import onnxruntime  # noqa: E402

imported = time.perf_counter()
options = onnxruntime.SessionOptions()
if "--optimized-model" in sys.argv:
    options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_DISABLE_ALL
session = onnxruntime.InferenceSession(sys.argv[1], options, providers=["CPUExecutionProvider"])
loaded = time.perf_counter()
# "a": the ids of the one-letter text the vtts side speaks.
ids = np.array([[1, 0, 120, 0, 14, 0, 122, 0, 2]], dtype=np.int64)
feed = {"input": ids, "input_lengths": np.array([ids.shape[1]], dtype=np.int64),
        "scales": np.array([0, 1, 0], dtype=np.float32)}
if "sid" in [i.name for i in session.get_inputs()]:
    feed["sid"] = np.array([0], dtype=np.int64)
session.run(None, feed)
ran = time.perf_counter()
print(json.dumps({"import": imported - started, "session": loaded - imported,
                  "first_run": ran - loaded}))
