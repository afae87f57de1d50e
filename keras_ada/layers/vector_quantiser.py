"""Vector quantisation with a codebook learnt by exponentially smoothed K-means."""

import keras
from keras import ops

from keras_ada.validation import check_positive_int


@keras.saving.register_keras_serializable(package="keras_ada")
class VectorQuantiser(keras.layers.Layer):
    """Vector quantiser of a VQ-VAE, with an EMA (K-means) codebook.

    Each query vector `z` (the last axis of `inputs`) is replaced by its
    nearest codebook row in squared Euclidean distance,

    ```
    code = argmin_i ||z - c_i||^2,        q' = c_code,
    ```

    and the output is `z + stop_gradient(q' - z)`: the value of `q'` with the
    gradient of the identity (straight-through estimator). The commitment
    loss `beta * mean((z - stop_gradient(q'))^2)` (mean over all elements)
    is added with `add_loss` on every call.

    The codebook is never trained by gradient descent. It is a non-trainable
    weight updated by exponentially smoothed K-means when the layer is
    called with `training=True` (and `trainable` is true). For a batch of `N`
    query vectors, let `n_i` be the fraction of them assigned to code `i`
    and `s_i` the sum of those vectors divided by `N`. With the EMA rate
    `alpha` (the weight of the new batch; `decay = 1 - alpha` in Sonnet):

    ```
    F_i <- (1 - alpha) * F_i + alpha * n_i            # cluster frequency
    F~_i = (F_i + epsilon) / (1 + num_codes * epsilon)  # Laplace smoothing
    c_i <- c_i + alpha * (s_i - n_i * c_i) / F~_i
    ```

    Up to the smoothing, this is exactly `c_i = M_i / F_i` for the moving
    sum `M_i <- (1 - alpha) * M_i + alpha * s_i` of the usual formulation
    (Sonnet, EnCodec), written incrementally so that only two non-trainable
    weights are kept: `codebook` (`c`, shape `(num_codes, code_dim)`) and
    `cluster_frequency` (`F`, shape `(num_codes,)`, summing to one). Two
    consequences. A code that no vector of the batch uses has `n_i = s_i = 0`
    and keeps its value exactly, instead of decaying towards zero as
    `M_i / F~_i` does once `F_i` shrinks to the order of `epsilon`. And the
    update is linear in the per-vector statistics `n_i` and `s_i`: both
    weights are declared with `aggregation="mean"`, so under a distribution
    strategy whose replicas see equally large batches, the mean over replicas
    of each assignment is the update a single replica would make with the
    whole global batch.

    Codebook restarts (`restart_unused`, beyond the paper): after the
    update, every code whose cluster frequency `F_i` has fallen below
    `restart_unused / num_codes` is re-initialised with a query vector of
    the current batch (the one at index `(7919 * i + offset) mod N`, an
    offset given by `seed` and the number of restarts so far), and its
    frequency is reset to `1 / num_codes` before `F` is renormalised to sum
    to one. As the layer keeps the codebook itself rather than a moving sum,
    resetting both statistics means that the next update moves the new code
    like any other instead of pulling it back to its old value, and the code
    is not restarted again before its usage has had time to build up. Under
    data parallelism the rule picks the same index on every replica and the
    restarted code is the mean of the replicas' vectors, as every update is.
    The number of codes restarted so far is the weight `restart_count`.

    Initialisation: the codebook is drawn from a uniform variance-scaling
    initializer (variance `1 / code_dim` per component, so code vectors have
    norm about one, as in Sonnet) seeded with `seed`, and `F_i = 1 /
    num_codes`. Distances and updates run in float32 even under a
    mixed-precision policy.

    Args:
        num_codes: Positive integer, the number of codes `k` in the codebook.
        code_dim: Positive integer, the dimension `d` of the query vectors
            and of the codebook rows.
        alpha: Float in `(0, 1]`, the EMA rate: the weight of the current
            batch in the K-means update. The paper's population based
            training samples it from `[1e-4, 1e-2]`; the default `1e-2`
            (Sonnet's and the VQ-VAE paper's decay of 0.99) lets the
            codebook follow the encoder with a time constant of 100 steps,
            fast enough that codes do not fall behind early in training.
        beta: Non-negative float, the weight of the commitment loss. The
            default 0.25 is the VQ-VAE paper's; the paper tunes it per
            architecture (its PBT samples `[0.1, 10]`).
        epsilon: Positive float, the Laplace smoothing of the cluster
            frequencies (which sum to one), keeping the update finite and
            damped for rarely used codes.
        seed: Optional integer, the seed of the codebook initializer and of
            the choice of the vectors that restart unused codes.
        restart_unused: Optional float in `(0, 1]`. When given, codes used
            less than this fraction of a uniform share (`F_i <
            restart_unused / num_codes`) are restarted from the encoder
            outputs of the batch during training; `None` (the default, the
            paper's set-up) never restarts codes.
        **kwargs: Base layer keyword arguments, such as `name` and `dtype`.

    Call arguments:
        inputs: Float tensor `(batch, time, code_dim)` (any number of
            leading axes) of query vectors.
        training: Python boolean; when true, the codebook is updated with
            the statistics of `inputs` (after quantising them with the
            codebook as it was before the update).
        return_codes: Python boolean; when true, also return the codes.

    Returns:
        The quantised queries, with the shape of `inputs` and the layer's
        compute dtype, or a tuple `(quantised, codes)` with int32 `codes` of
        shape `inputs.shape[:-1]` when `return_codes=True`.

    Example:

    >>> quantiser = VectorQuantiser(num_codes=256, code_dim=64)
    >>> queries = keras.random.normal((2, 100, 64))
    >>> quantised, codes = quantiser(queries, return_codes=True)
    >>> tuple(quantised.shape), tuple(codes.shape)
    ((2, 100, 64), (2, 100))
    >>> tuple(quantiser.decode(codes).shape)
    (2, 100, 64)
    """

    def __init__(
        self,
        num_codes,
        code_dim,
        alpha=1e-2,
        beta=0.25,
        epsilon=1e-5,
        seed=None,
        restart_unused=None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        check_positive_int("num_codes", num_codes)
        check_positive_int("code_dim", code_dim)
        if not 0.0 < alpha <= 1.0:
            raise ValueError(
                "Argument `alpha` (the EMA rate) must be in (0, 1]. "
                f"Received: alpha={alpha}"
            )
        if beta < 0.0:
            raise ValueError(
                f"Argument `beta` must be non-negative. Received: beta={beta}"
            )
        if epsilon <= 0.0:
            raise ValueError(
                f"Argument `epsilon` must be positive. Received: epsilon={epsilon}"
            )
        if seed is not None and (not isinstance(seed, int) or isinstance(seed, bool)):
            raise ValueError(
                f"Argument `seed` must be an integer or None. Received: seed={seed}"
            )
        if restart_unused is not None and not 0.0 < restart_unused <= 1.0:
            raise ValueError(
                "Argument `restart_unused` must be None or in (0, 1]. "
                f"Received: restart_unused={restart_unused}"
            )
        self.num_codes = num_codes
        self.code_dim = code_dim
        self.alpha = alpha
        self.beta = beta
        self.epsilon = epsilon
        self.seed = seed
        self.restart_unused = restart_unused
        self.input_spec = keras.layers.InputSpec(min_ndim=2, axes={-1: code_dim})

    def build(self, input_shape):
        self.codebook = self.add_weight(
            name="codebook",
            shape=(self.num_codes, self.code_dim),
            initializer=keras.initializers.VarianceScaling(
                scale=1.0, mode="fan_out", distribution="uniform", seed=self.seed
            ),
            dtype="float32",
            trainable=False,
            autocast=False,
            aggregation="mean",
        )
        self.cluster_frequency = self.add_weight(
            name="cluster_frequency",
            shape=(self.num_codes,),
            initializer=keras.initializers.Constant(1.0 / self.num_codes),
            dtype="float32",
            trainable=False,
            autocast=False,
            aggregation="mean",
        )
        if self.restart_unused is not None:
            self.restart_count = self.add_weight(
                name="restart_count",
                shape=(),
                initializer="zeros",
                dtype="float32",
                trainable=False,
                autocast=False,
                aggregation="mean",
            )

    def distances(self, inputs):
        """Squared Euclidean distances `(..., num_codes)` to every code."""
        inputs = ops.cast(inputs, "float32")
        codebook = ops.convert_to_tensor(self.codebook)
        return (
            ops.sum(ops.square(inputs), axis=-1, keepdims=True)
            - 2.0 * ops.matmul(inputs, ops.transpose(codebook))
            + ops.sum(ops.square(codebook), axis=-1)
        )

    def encode(self, inputs):
        """Returns the int32 index of the nearest code, shape `inputs.shape[:-1]`."""
        if not self.built:
            self.build(inputs.shape)
        return ops.cast(ops.argmin(self.distances(inputs), axis=-1), "int32")

    def decode(self, codes):
        """Returns the codebook rows `(..., code_dim)` of integer `codes`."""
        if not self.built:
            self.build((None, self.code_dim))
        vectors = ops.take(self.codebook, ops.cast(codes, "int32"), axis=0)
        return ops.cast(vectors, self.compute_dtype)

    def call(self, inputs, training=False, return_codes=False):
        queries = ops.cast(inputs, "float32")
        codes = self.encode(queries)
        quantised = ops.stop_gradient(
            ops.take(ops.convert_to_tensor(self.codebook), codes, axis=0)
        )
        self.add_loss(self.beta * ops.mean(ops.square(queries - quantised)))
        if training and self.trainable:
            self._update_codebook(queries, codes)
        outputs = queries + ops.stop_gradient(quantised - queries)
        outputs = ops.cast(outputs, self.compute_dtype)
        if return_codes:
            return outputs, codes
        return outputs

    def _update_codebook(self, queries, codes):
        # The batch statistics n_i and s_i, normalised per query vector.
        queries = ops.stop_gradient(ops.reshape(queries, (-1, self.code_dim)))
        encodings = ops.one_hot(
            ops.reshape(codes, (-1,)), self.num_codes, dtype="float32"
        )
        num_vectors = ops.cast(ops.shape(queries)[0], "float32")
        batch_frequency = ops.sum(encodings, axis=0) / num_vectors
        batch_sum = ops.matmul(ops.transpose(encodings), queries) / num_vectors

        frequency = ops.convert_to_tensor(self.cluster_frequency)
        self.cluster_frequency.assign(
            (1.0 - self.alpha) * frequency + self.alpha * batch_frequency
        )
        # Under a distribution strategy the assignment is averaged over the
        # replicas: read it back, so that every replica divides by the same
        # global frequencies.
        frequency = ops.convert_to_tensor(self.cluster_frequency)
        smoothed = (frequency + self.epsilon) / (1.0 + self.num_codes * self.epsilon)
        codebook = ops.convert_to_tensor(self.codebook)
        step = batch_sum - batch_frequency[:, None] * codebook
        self.codebook.assign(codebook + self.alpha * step / smoothed[:, None])
        if self.restart_unused is not None:
            self._restart_unused_codes(queries)

    def _restart_unused_codes(self, queries):
        frequency = ops.convert_to_tensor(self.cluster_frequency)
        unused = frequency < self.restart_unused / self.num_codes
        offset = ops.cast(self.restart_count, "int32") * 613 + (self.seed or 0) % 7919
        rows = ops.mod(
            ops.arange(self.num_codes, dtype="int32") * 7919 + offset,
            ops.shape(queries)[0],
        )
        codebook = ops.convert_to_tensor(self.codebook)
        self.codebook.assign(
            ops.where(unused[:, None], ops.take(queries, rows, axis=0), codebook)
        )
        frequency = ops.where(unused, 1.0 / self.num_codes, frequency)
        self.cluster_frequency.assign(frequency / ops.sum(frequency))
        self.restart_count.assign(
            self.restart_count + ops.sum(ops.cast(unused, "float32"))
        )

    def get_config(self):
        config = super().get_config()
        config.update(
            num_codes=self.num_codes,
            code_dim=self.code_dim,
            alpha=self.alpha,
            beta=self.beta,
            epsilon=self.epsilon,
            seed=self.seed,
            restart_unused=self.restart_unused,
        )
        return config
