"""Argmax quantisation of queries projected onto the simplex (the AMAE)."""

import keras
from keras import ops

from keras_ada.validation import check_int_at_least
from keras_ada.validation import check_one_of

PROJECTIONS = ("relu", "softmax")
DIVERSITY = ("projection", "codes")


@keras.saving.register_keras_serializable(package="keras_ada")
class ArgmaxQuantiser(keras.layers.Layer):
    """Argmax quantiser of an argmax autoencoder (AMAE), with a diversity loss.

    The `num_codes`-dimensional queries `x` (the last axis of `inputs`) are
    first projected onto the `(num_codes - 1)`-simplex, either by a ReLU
    followed by divisive normalisation (the default, which can output exact
    zeros) or by a softmax:

    ```
    relu:     p = relu(x) / (sum_i relu(x)_i + epsilon)
    softmax:  p = softmax(x)
    ```

    The quantised query is the one-hot vector of `code = argmax_i p_i`, the
    nearest one-hot vector to `p` in the Euclidean sense, and the output is
    `p + stop_gradient(one_hot(code) - p)`: its value is the one-hot vector
    and its gradient flows to the projected query (straight-through
    estimator). There is no codebook to learn.

    A diversity loss, computed from `q_bar = mean(p)` over all leading
    (batch and time) axes, encourages every code to be used equally often,
    and is added with `add_loss` on every call:

    ```
    relu:     nu * sum_i (num_codes * q_bar_i - 1)^2
    softmax:  nu * -H(q_bar) = nu * sum_i q_bar_i * log(q_bar_i)
    ```

    With `diversity="codes"`, `q_bar` is instead the mean of the quantised
    queries (their one-hot vectors, with the projection's gradient): the
    usage of the codes themselves. The paper's loss (`"projection"`, the
    default) can be met by a flat projection, every `p_i` near
    `1 / num_codes`, while the argmax codes collapse onto a few values; the
    loss on the codes cannot.

    The projection and the loss are computed in float32 even under a
    mixed-precision policy.

    Args:
        num_codes: Integer, at least 2, the number of codes `k`; the queries
            are `k`-dimensional.
        nu: Non-negative float, the weight of the diversity loss. The
            paper's value 0.1 worked across all its architectures, with
            large batches. The loss is measured on each batch: with few
            queries a code (`N` a batch), it pulls every query off its own
            code by `2 * nu * (num_codes / N)^2` on average, even when the
            codes are used evenly over the data. With two queries a code,
            0.1 kept the codes from saying anything of the music, and 0.001
            worked (the `vqvae_amae_wavenet_piano` preset).
        projection: `"relu"` (ReLU and divisive normalisation, with the
            L2 diversity loss) or `"softmax"` (with the entropy loss).
        epsilon: Positive float added to the denominator of the divisive
            normalisation, so an all-zero ReLU output stays finite.
        diversity: `"projection"` (the paper's: the diversity loss of the
            mean projected query) or `"codes"` (of the mean quantised query).
        **kwargs: Base layer keyword arguments, such as `name` and `dtype`.

    Call arguments:
        inputs: Float tensor `(batch, time, num_codes)` (any number of
            leading axes) of queries.
        training: Unused; the layer behaves the same in training and
            inference.
        return_codes: Python boolean; when true, also return the codes.

    Returns:
        The quantised (one-hot) queries, with the shape of `inputs` and the
        layer's compute dtype, or a tuple `(quantised, codes)` with int32
        `codes` of shape `inputs.shape[:-1]` when `return_codes=True`.

    Example:

    >>> quantiser = ArgmaxQuantiser(num_codes=256)
    >>> queries = keras.random.normal((2, 100, 256))
    >>> quantised, codes = quantiser(queries, return_codes=True)
    >>> tuple(quantised.shape), tuple(codes.shape)
    ((2, 100, 256), (2, 100))
    >>> tuple(quantiser.decode(codes).shape)
    (2, 100, 256)
    """

    def __init__(
        self,
        num_codes,
        nu=0.1,
        projection="relu",
        epsilon=1e-6,
        diversity="projection",
        **kwargs,
    ):
        super().__init__(**kwargs)
        check_int_at_least("num_codes", num_codes, 2)
        if nu < 0.0:
            raise ValueError(f"Argument `nu` must be non-negative. Received: nu={nu}")
        check_one_of("projection", projection, PROJECTIONS)
        check_one_of("diversity", diversity, DIVERSITY)
        if epsilon <= 0.0:
            raise ValueError(
                f"Argument `epsilon` must be positive. Received: epsilon={epsilon}"
            )
        self.num_codes = num_codes
        self.nu = nu
        self.projection = projection
        self.epsilon = epsilon
        self.diversity = diversity
        self.input_spec = keras.layers.InputSpec(min_ndim=2, axes={-1: num_codes})

    @property
    def code_dim(self):
        """The query dimension, equal to `num_codes`."""
        return self.num_codes

    def project(self, inputs):
        """Projects queries onto the simplex; returns float32 `(..., num_codes)`."""
        inputs = ops.cast(inputs, "float32")
        if self.projection == "softmax":
            return ops.softmax(inputs, axis=-1)
        positive = ops.relu(inputs)
        return positive / (ops.sum(positive, axis=-1, keepdims=True) + self.epsilon)

    def diversity_loss(self, projected):
        """The diversity loss (without the factor `nu`) of projected queries."""
        mean_query = ops.mean(ops.reshape(projected, (-1, self.num_codes)), axis=0)
        if self.projection == "softmax":
            safe = ops.where(mean_query > 0.0, mean_query, 1.0)
            return ops.sum(mean_query * ops.log(safe))
        return ops.sum(ops.square(self.num_codes * mean_query - 1.0))

    def encode(self, inputs):
        """Returns the int32 index of the largest query component."""
        return ops.cast(ops.argmax(self.project(inputs), axis=-1), "int32")

    def decode(self, codes):
        """Returns the one-hot vectors `(..., num_codes)` of integer `codes`."""
        return ops.one_hot(
            ops.cast(codes, "int32"), self.num_codes, dtype=self.compute_dtype
        )

    def call(self, inputs, training=False, return_codes=False):
        projected = self.project(inputs)
        codes = ops.cast(ops.argmax(projected, axis=-1), "int32")
        one_hot = ops.one_hot(codes, self.num_codes, dtype="float32")
        outputs = projected + ops.stop_gradient(one_hot - projected)
        used = outputs if self.diversity == "codes" else projected
        self.add_loss(self.nu * self.diversity_loss(used))
        outputs = ops.cast(outputs, self.compute_dtype)
        if return_codes:
            return outputs, codes
        return outputs

    def get_config(self):
        config = super().get_config()
        config.update(
            num_codes=self.num_codes,
            nu=self.nu,
            projection=self.projection,
            epsilon=self.epsilon,
            diversity=self.diversity,
        )
        return config
