"""Peer measurement: Keras on TensorFlow-CPU training and running the same model as
`kiln bench --model M` (Kiln's ModelZoo: same layers, Adam with Kiln's defaults — which are
Keras's —, softmax cross-entropy on logits), on one synthetic batch of standard-normal 28x28
images and random labels, as kiln bench uses. Training through `fit`, inference through
`predict`, each over a dataset that repeats the one batch (what a user calls; no data
pipeline cost). Prints one JSON line (peer_timing.report).

    ~/.cache/kiln-peers/venv/bin/python Benchmarks/peers/keras_bench.py --model simple-cnn --batch-size 128
(Benchmarks/peers/setup.sh makes that venv; compare.py runs this script for you.)
"""
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

from peer_timing import best_rate, options, report  # noqa: E402

L = tf.keras.layers


def simple_cnn(classes):
    # Keras is NHWC; the layer list is Kiln's simple-cnn.
    return tf.keras.Sequential([
        tf.keras.Input((28, 28, 1)),
        L.Conv2D(32, 3, activation="relu"),
        L.MaxPooling2D(2),
        L.Conv2D(64, 3, activation="relu"),
        L.MaxPooling2D(2),
        L.Flatten(),
        L.Dense(128, activation="relu"),
        L.Dropout(0.5),
        L.Dense(classes),
    ])


def resnet_small(classes):
    # Kiln's resnet-small: BatchNorm(decay 0.99, eps 1e-3) = Keras's defaults; the strided
    # block's shortcut is a 1x1 stride-2 convolution with bias (Residual's projection).
    def conv(x, filters, stride=1):
        return L.Conv2D(filters, 3, strides=stride, padding="same", use_bias=False)(x)

    def bn(x):
        return L.BatchNormalization(momentum=0.99, epsilon=1e-3)(x)

    inputs = tf.keras.Input((28, 28, 1))
    x = L.ReLU()(bn(conv(inputs, 16)))
    y = bn(conv(L.ReLU()(bn(conv(x, 16))), 16))
    x = L.ReLU()(L.Add()([x, y]))
    y = bn(conv(L.ReLU()(bn(conv(x, 32, 2))), 32))
    x = L.ReLU()(L.Add()([L.Conv2D(32, 1, strides=2)(x), y]))
    x = L.Dropout(0.3)(L.Flatten()(L.MaxPooling2D(2)(x)))
    return tf.keras.Model(inputs, L.Dense(classes)(x))


def main():
    args = options("Keras/TensorFlow-CPU peer of kiln bench")
    classes = 10
    rng = np.random.default_rng(args.seed)
    x = tf.constant(rng.standard_normal((args.batch_size, 28, 28, 1), dtype=np.float32))
    y = tf.constant(rng.integers(0, classes, args.batch_size))
    model = {"simple-cnn": simple_cnn, "resnet-small": resnet_small}[args.model](classes)
    model.compile(optimizer=tf.keras.optimizers.Adam(1e-3, beta_1=0.9, beta_2=0.999, epsilon=1e-7),
                  loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    pairs = tf.data.Dataset.from_tensors((x, y))
    images = tf.data.Dataset.from_tensors(x)

    def train(count):
        model.fit(pairs.repeat(count), epochs=1, verbose=0)

    def infer(count):
        model.predict(images.repeat(count), verbose=0)

    t = best_rate(train, args.batch_size, args.min_time, args.repeats)
    i = best_rate(infer, args.batch_size, args.min_time, args.repeats)
    report("keras", f"tf-cpu {tf.__version__}", args, t, i)


if __name__ == "__main__":
    main()
