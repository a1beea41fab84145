"""Peer measurement for Benchmarks/NOTES.md: Keras on TensorFlow-CPU training the same
simple-cnn as `kiln bench --model simple-cnn`, on synthetic 28x28 inputs (as kiln bench uses),
batch 128, Adam. Prints steady-state training images/s after a warm-up epoch.

Run it from a virtual environment outside the repository:
    python3 -m venv /tmp/peer && /tmp/peer/bin/pip install tensorflow-cpu
    /tmp/peer/bin/python Benchmarks/peers/keras_simple_cnn.py --batch-size 128
"""
import argparse
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402


def model(classes=10):
    # Keras is NHWC; the layer list is the same as Kiln's simple-cnn.
    return tf.keras.Sequential([
        tf.keras.Input((28, 28, 1)),
        tf.keras.layers.Conv2D(32, 3, activation="relu"),
        tf.keras.layers.MaxPooling2D(2),
        tf.keras.layers.Conv2D(64, 3, activation="relu"),
        tf.keras.layers.MaxPooling2D(2),
        tf.keras.layers.Flatten(),
        tf.keras.layers.Dense(128, activation="relu"),
        tf.keras.layers.Dropout(0.5),
        tf.keras.layers.Dense(classes),
    ])


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--batch-size", type=int, default=128)
    p.add_argument("--images", type=int, default=12800, help="images per timed epoch")
    p.add_argument("--repeats", type=int, default=3)
    a = p.parse_args()
    rng = np.random.default_rng(1)
    x = rng.random((a.images, 28, 28, 1), dtype=np.float32)
    y = rng.integers(0, 10, a.images)
    m = model()
    m.compile(optimizer=tf.keras.optimizers.Adam(1e-3),
              loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    m.fit(x, y, batch_size=a.batch_size, epochs=1, verbose=0)  # warm-up: tracing, allocation
    best = 0.0
    for _ in range(a.repeats):
        t = time.perf_counter()
        m.fit(x, y, batch_size=a.batch_size, epochs=1, verbose=0)
        best = max(best, a.images / (time.perf_counter() - t))
    print(f"keras {tf.__version__} simple-cnn batch {a.batch_size}: {best:.0f} images/s (best of {a.repeats} epochs of {a.images})")


if __name__ == "__main__":
    main()
