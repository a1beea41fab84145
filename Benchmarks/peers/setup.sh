#!/usr/bin/env bash
# Installs the peer frameworks of Benchmarks/peers (TensorFlow-CPU with Keras, PyTorch) into a
# virtual environment outside the repository, so nothing of theirs enters the tracked tree:
#   $KILN_PEERS_VENV, default ${XDG_CACHE_HOME:-~/.cache}/kiln-peers/venv
# Everything comes from PyPI through pip. PyTorch: a CPU-only build ("+cpu" local version) when
# pip is offered one (e.g. from a find-links folder), otherwise PyPI's default wheel, which on
# Linux x86_64 also pulls several GB of CUDA libraries that a CPU run never loads.
# Pin versions with TF_VERSION=2.21.0 TORCH_VERSION=2.15.0 (empty: the newest pip offers).
# Re-running is cheap: pip skips what is already installed.
set -euo pipefail

venv="${KILN_PEERS_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/kiln-peers/venv}"
python="${PYTHON:-python3}"

if ! "$python" -c 'import venv, ensurepip' 2>/dev/null; then
    echo "setup.sh: $python lacks venv/ensurepip (Debian: apt-get install python3-venv)" >&2
    exit 1
fi
[ -x "$venv/bin/python" ] || "$python" -m venv "$venv"
pip=("$venv/bin/python" -m pip --disable-pip-version-check)

"${pip[@]}" install "tensorflow-cpu${TF_VERSION:+==$TF_VERSION}" numpy

torch_spec="torch${TORCH_VERSION:+==$TORCH_VERSION}"
if [ -z "${TORCH_VERSION:-}" ]; then
    # Newest "+cpu" version pip can see, if any ("Available versions: a, b, ...").
    cpu=$("${pip[@]}" index versions torch 2>/dev/null | sed -n 's/^Available versions: //p' \
          | tr ',' '\n' | tr -d ' ' | grep '+cpu$' | head -n 1 || true)
    [ -n "$cpu" ] && torch_spec="torch==$cpu"
fi
"${pip[@]}" install "$torch_spec"

"$venv/bin/python" - <<'EOF'
import os
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import tensorflow as tf, torch
print(f"peers ready: tensorflow {tf.__version__}, keras {tf.keras.__version__ if hasattr(tf.keras, '__version__') else '?'}, "
      f"torch {torch.__version__} ({torch.get_num_threads()} threads)")
EOF
echo "venv: $venv"
