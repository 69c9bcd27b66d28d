"""tf.train.Checkpoint: resuming from a checkpoint takes exactly the step that training without
stopping takes (weights, BatchNormalization statistics, optimizer slots and step count)."""

import json
import os

import numpy as np
import pytest

import webflow as tf

L = tf.keras.layers


def _model(seed):
    tf.random.set_seed(seed)
    model = tf.keras.Sequential([tf.keras.Input((5,)), L.Dense(8, activation="relu"), L.BatchNormalization(name="bn"),
                                 L.Dense(3)])
    return model


def _batches():
    rng = np.random.default_rng(7)
    return [(rng.normal(size=(16, 5)).astype(np.float32), rng.integers(0, 3, 16)) for _ in range(4)]


OPTIMIZERS = [
    lambda: tf.keras.optimizers.Adam(0.01, amsgrad=True),
    lambda: tf.keras.optimizers.SGD(0.05, momentum=0.9, nesterov=True),
    lambda: tf.keras.optimizers.RMSprop(0.01, momentum=0.5, centered=True),
    lambda: tf.keras.optimizers.Adagrad(0.1),
    lambda: tf.keras.optimizers.Adam(tf.keras.optimizers.schedules.ExponentialDecay(0.01, 1, 0.5)),
]


@pytest.mark.parametrize("make_optimizer", OPTIMIZERS, ids=["adam", "sgd", "rmsprop", "adagrad", "schedule"])
def test_resume_equals_uninterrupted_training(tmp_path, make_optimizer):
    batches = _batches()
    straight = _model(1)
    straight.compile(make_optimizer(), "sparse_categorical_crossentropy")
    for x, y in batches[:2]:
        straight.train_on_batch(x, y)
    path = tf.train.Checkpoint(model=straight, optimizer=straight.optimizer).save(tmp_path / "ckpt")
    for x, y in batches[2:]:
        straight.train_on_batch(x, y)

    resumed = _model(2)  # other initial weights, a fresh optimizer without slots
    resumed.compile(make_optimizer(), "sparse_categorical_crossentropy")
    assert not np.array_equal(resumed.get_weights()[0], straight.get_weights()[0])
    checkpoint = tf.train.Checkpoint(model=resumed, optimizer=resumed.optimizer)
    checkpoint.restore(tf.train.latest_checkpoint(tmp_path))
    assert path == tf.train.latest_checkpoint(tmp_path) and resumed.optimizer.iterations == 2
    for x, y in batches[2:]:
        resumed.train_on_batch(x, y)
    for got, want in zip(resumed.get_weights(), straight.get_weights()):
        np.testing.assert_array_equal(got, want)
    assert resumed.optimizer.iterations == straight.optimizer.iterations == 4


def test_save_numbers_checkpoints_and_restore_continues_the_count(tmp_path):
    step = tf.Variable(0)
    checkpoint = tf.train.Checkpoint(step=step)
    paths = []
    for i in range(3):
        step.assign(i * 10)
        paths.append(checkpoint.save(tmp_path / "ckpt"))
    assert [os.path.basename(p) for p in paths] == ["ckpt-1", "ckpt-2", "ckpt-3"]
    index = json.loads((tmp_path / "checkpoint").read_text())
    assert index["all_model_checkpoint_paths"] == ["ckpt-1", "ckpt-2", "ckpt-3"]
    other = tf.train.Checkpoint(step=step)
    other.restore(paths[1])
    assert int(step.numpy()) == 10 and other.save_counter == 2
    assert tf.train.latest_checkpoint(tmp_path / "nothing") is None


def test_restore_checks_everything_before_assigning(tmp_path):
    model = _model(1)
    model.compile("adam", "mse")
    model.train_on_batch(np.ones((2, 5), np.float32), np.ones((2, 3), np.float32))
    path = tf.train.Checkpoint(model=model, optimizer=model.optimizer).save(tmp_path / "ckpt")
    other = tf.keras.Sequential([tf.keras.Input((5,)), L.Dense(8, name=model.layers[0].name),
                                 L.BatchNormalization(name=model.layers[1].name), L.Dense(4, name=model.layers[2].name)])
    before = other.get_weights()
    with pytest.raises(ValueError, match=r"has shape \(8, 3\) in the checkpoint; expected \(8, 4\)"):
        tf.train.Checkpoint(model=other).restore(path)
    for got, want in zip(other.get_weights(), before):
        np.testing.assert_array_equal(got, want)
    same = _model(4)
    tf.train.Checkpoint(model=same).restore(path)  # the model alone (for inference): the optimizer's values stay unread
    for got, want in zip(same.get_weights(), model.get_weights()):
        np.testing.assert_array_equal(got, want)
    with pytest.raises(ValueError, match=r"has no opt/iterations; it was not saved with an optimizer named 'opt'"):
        tf.train.Checkpoint(model=_model(3), opt=tf.keras.optimizers.Adam()).restore(path)
    with pytest.raises(FileNotFoundError, match="no model at|does not exist"):
        tf.train.Checkpoint(model=model).restore(tmp_path / "ckpt-9")
    with pytest.raises(TypeError, match="Checkpoint: model must be a Model/Layer"):
        tf.train.Checkpoint(model="weights.bin")
    shard = next(p for p in os.listdir(tmp_path) if p.endswith(".bin"))
    (tmp_path / shard).write_bytes((tmp_path / shard).read_bytes()[:-1])
    with pytest.raises(ValueError, match="truncated"):
        tf.train.Checkpoint(model=model, optimizer=model.optimizer).restore(path)
