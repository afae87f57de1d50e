"""PyTorch: a loop whose body TorchInductor compiles, run step by step on the host.

`keras.ops.while_loop` is a Python loop on PyTorch, and each step of a sampling
loop runs a few hundred small Keras ops: their Python dispatch, not the
arithmetic, sets the speed (about 200 steps per second). `TorchLoop` traces the
loop body once into an ATen graph (`make_fx`, which runs the Keras code, Python
overhead included, only at trace time) and compiles it with TorchInductor into
fused C++ kernels called from a C++ wrapper, without Dynamo's guards on every
call; the host loop then costs one call per `unroll` steps.

Compiling takes seconds to a minute, more than a short loop runs. `TracedLoop`
runs the traced graph itself instead: the ATen operators of a step, called
from Python without Keras' dispatch, and what depends on the weights only
(cast, reshaped and concatenated kernels) computed once per call, not at
every step.

The body's loop variables are donated: a loop variable that the body copies to
update it (Keras' functional `slice_update` on PyTorch clones its input) is
updated in place instead, so writing one slot of a queue or one step of the
samples costs O(1), not the size of the buffer. The host loop never reads a
loop variable after passing it to the body, so this is safe.

This module uses PyTorch's private compiler entry point
(`torch._inductor.compile_fx.compile_fx`), its configuration keys and the
schemas of ATen operators (`OpOverload._schema`); it is the only one that
does. The library imports it on the PyTorch backend only
(`keras_ada.sampling.compile.compile_loop`).
"""

import math

import keras
import torch
from torch._inductor.compile_fx import compile_fx
from torch.fx.experimental.proxy_tensor import make_fx

# Matrix products up to this many multiply-adds become fused C++ loops rather
# than calls to an external GEMM, whose call costs more than such a product.
SMALL_MATMUL = 2**16

INDUCTOR_OPTIONS = {
    # The step's kernels call one another from C++, not from Python.
    "cpp_wrapper": True,
    # Shapes and strides are fixed per compiled step: no checks at every call.
    "size_asserts": False,
    # The step's intermediate tensors in one allocation, not one each.
    "memory_planning": True,
    # Concatenations (of a convolution's taps) computed by the kernels that
    # read them, not written into views of a buffer, which the wrapper would
    # create at every call.
    "force_pointwise_cat": True,
    # Serial kernels: a step's kernels are far too small to share among
    # threads, whose wake-up at every kernel costs more than the kernel (and
    # much more on a busy CPU). Products too large for `SMALL_MATMUL` still
    # use ATen's threads.
    "cpp.threads": 1,
}


def _small_matmul(a, b):
    if a.shape[0] * a.shape[1] * b.shape[1] > SMALL_MATMUL:
        return NotImplemented
    return (a[:, :, None] * b[None]).sum(1)


DECOMPOSITIONS = {torch.ops.aten.mm.default: _small_matmul}


def _is_view(node):
    return getattr(node.target, "is_view", False)


def _writes_in_place(node):
    """Whether `node` writes into its first argument (and returns it)."""
    schema = getattr(node.target, "_schema", None)
    alias = schema.arguments[0].alias_info if schema and schema.arguments else None
    return alias is not None and alias.is_write


def _aliases(node):
    """`node` and what shares its memory: its views and in-place updates, and theirs."""
    aliases, pending = [], [node]
    while pending:
        alias = pending.pop()
        aliases.append(alias)
        pending += [
            user
            for user in alias.users
            if user.args
            and user.args[0] is alias
            and (_is_view(user) or _writes_in_place(user))
        ]
    return aliases


def donate(graph_module, first):
    """Updates in place the buffers that the graph copies only to update them.

    Keras' functional `slice_update` on PyTorch clones its input and writes
    into the clone. A clone of a buffer that the graph may write into (a
    loop variable, an input from position `first` on, or a clone it keeps)
    that is the last use of that buffer (nothing reads it, its views or its
    in-place updates later) becomes the buffer itself: the graph then writes
    into the loop variables in place, at every step of an unrolled body.
    """
    graph = graph_module.graph
    order = {node: index for index, node in enumerate(graph.nodes)}
    placeholders = [n for n in graph.nodes if n.op == "placeholder"]
    owners = set(placeholders[first:])
    for node in list(graph.nodes):
        if node.target is not torch.ops.aten.clone.default:
            continue
        source = owner = node.args[0]
        # An in-place update returns the buffer it wrote into.
        while _writes_in_place(owner):
            owner = owner.args[0]
        if owner not in owners:
            owners.add(node)
            continue
        readers = [
            user
            for alias in _aliases(owner)
            for user in alias.users
            if user is not node
        ]
        if all(order[user] < order[node] for user in readers):
            node.replace_all_uses_with(source)
            graph.erase_node(node)
        else:
            owners.add(node)
    graph.lint()
    graph_module.recompile()


def inline_scalars(graph_module):
    """Writes the graph's one-element constants into its code.

    Keras turns Python numbers into tensors (`convert_to_tensor`), which the
    trace keeps as constants; compiled, every constant is one more argument
    of every call. `full` makes them values of the kernels instead.
    """
    graph = graph_module.graph
    for node in [n for n in graph.nodes if n.op == "get_attr"]:
        value = getattr(graph_module, node.target)
        if value.numel() != 1:
            continue
        with graph.inserting_before(node):
            scalar = graph.call_function(
                torch.ops.aten.full.default,
                (tuple(value.shape), value.item()),
                {"dtype": value.dtype},
            )
        node.replace_all_uses_with(scalar)
        graph.erase_node(node)
        delattr(graph_module, node.target)
    graph.lint()
    graph_module.recompile()


def _is_random(node):
    return torch.Tag.nondeterministic_seeded in getattr(node.target, "tags", ())


def _written_in_place(node):
    """Whether anything writes into `node`'s memory (through it or a view)."""
    return any(
        _writes_in_place(user) and user.args[0] is alias
        for alias in _aliases(node)
        for user in alias.users
    )


def hoist_invariants(graph_module, num_inputs):
    """Splits a step into what depends on its first `num_inputs` arguments only
    and the rest.

    Returns:
        `(prologue, step)`: `prologue(*inputs)` returns the values of the
        invariant nodes that the rest reads; `step(*inputs, *those_values,
        *loop_vars)` computes the step's outputs from them. Random operators,
        and nodes whose memory the graph writes into, stay in the step.
    """
    graph = graph_module.graph
    placeholders = [n for n in graph.nodes if n.op == "placeholder"]
    invariant = set(placeholders[:num_inputs])
    for node in graph.nodes:
        if node.op == "get_attr" or (
            node.op == "call_function"
            and all(n in invariant for n in node.all_input_nodes)
            and not _writes_in_place(node)
            and not _is_random(node)
            and not _written_in_place(node)
        ):
            invariant.add(node)
    hoisted = [
        node
        for node in graph.nodes
        if node in invariant
        and node.op != "placeholder"
        and any(user not in invariant for user in node.users)
    ]

    prologue, values = torch.fx.Graph(), {}
    for node in graph.nodes:
        if node in invariant:
            values[node] = prologue.node_copy(node, values.__getitem__)
    prologue.output(tuple(values[node] for node in hoisted))

    step, values = torch.fx.Graph(), {}
    for node in placeholders[:num_inputs]:
        values[node] = step.node_copy(node)
    for index, node in enumerate(hoisted):
        values[node] = step.placeholder(f"hoisted_{index}")
    for node in graph.nodes:
        if node not in invariant:
            values[node] = step.node_copy(node, values.__getitem__)
    return (
        torch.fx.GraphModule(graph_module, prologue),
        torch.fx.GraphModule(graph_module, step),
    )


def _structure_key(structure):
    """The paths of the leaves of `structure`, in `keras.tree`'s order: a dict
    and the same dict rebuilt by `keras.tree.pack_sequence_as` (its keys
    sorted) share one key, so that the loop state a call returns does not
    trace or compile the step a second time."""
    return tuple(path for path, _ in keras.tree.flatten_with_path(structure))


def _tensors(structure):
    return [
        torch.as_tensor(x).detach().contiguous() for x in keras.tree.flatten(structure)
    ]


def pack(tensors):
    """The tensors in one flat buffer per dtype, and where each lies in them.

    Returns:
        `(buffers, layout)`: `layout` holds, per tensor, the index of its
        buffer, its offset there and its shape (see `unpack`).
    """
    groups, sizes, layout = {}, {}, []
    for x in tensors:
        index = list(groups).index(x.dtype) if x.dtype in groups else len(groups)
        groups.setdefault(x.dtype, []).append(x.reshape(-1))
        offset = sizes.get(x.dtype, 0)
        sizes[x.dtype] = offset + x.numel()
        layout.append((index, offset, tuple(x.shape)))
    return [torch.cat(group) for group in groups.values()], tuple(layout)


def unpack(buffers, layout):
    """The tensors that `pack` put into `buffers`, as views."""
    return [
        buffers[index][offset : offset + math.prod(shape)].view(shape)
        for index, offset, shape in layout
    ]


class TorchLoop:
    """`loop(inputs, count, loop_vars)`: at least `count` steps of `body`, compiled.

    Runs `loop_vars = body(inputs, *loop_vars)` `count` times, rounded up to a
    multiple of `unroll`, and returns the last `loop_vars`. Each compiled call
    runs `unroll` steps, so the host's cost of a call (tens of microseconds) is
    shared by `unroll` steps; the caller discards what the extra steps of a
    `count` that `unroll` does not divide produced. The compiled body is kept
    per structure, shapes and dtypes of the arguments. The `inputs` enter each
    call packed into one buffer per dtype (one argument each, not one per
    weight: every argument costs time at every call). The `loop_vars` passed
    in are updated in place.

    Args:
        body: a function of tensors `body(inputs, *loop_vars)` returning the
            next `loop_vars`, with the same structure, shapes and dtypes.
        unroll: steps per compiled call.
    """

    def __init__(self, body, unroll=1):
        self.body = body
        self.unroll = unroll
        self._compiled = {}

    def __call__(self, inputs, count, loop_vars):
        buffers, layout = pack(_tensors(inputs))
        flat_vars = _tensors(loop_vars)
        key = (
            _structure_key((inputs, loop_vars)),
            tuple((x.shape, x.dtype) for x in buffers + flat_vars),
            layout,
        )
        if key not in self._compiled:
            self._compiled[key] = self._compile(
                inputs, loop_vars, buffers, layout, flat_vars
            )
        step = self._compiled[key]
        with torch.no_grad():
            for _ in range(-(-int(count) // self.unroll)):
                flat_vars = step(*buffers, *flat_vars)
        return keras.tree.pack_sequence_as(tuple(loop_vars), list(flat_vars))

    def _compile(self, inputs, loop_vars, buffers, layout, flat_vars):
        def step_inputs(flat_inputs):
            return keras.tree.pack_sequence_as(inputs, unpack(flat_inputs, layout))

        arguments = buffers + flat_vars
        with torch.no_grad():
            graph_module = trace(
                self.body,
                step_inputs,
                len(buffers),
                loop_vars,
                arguments,
                self.unroll,
                DECOMPOSITIONS,
            )
            inline_scalars(graph_module)
            donate(graph_module, len(buffers))
            return compile_fx(graph_module, arguments, config_patches=INDUCTOR_OPTIONS)


class TracedLoop:
    """`loop(inputs, count, loop_vars)`: `count` steps of `body`, traced.

    The body is traced once (per structure, shapes and dtypes of the
    arguments) into a graph of ATen operators, which runs step by step from
    Python: no Keras dispatch and no compilation. What depends on the `inputs`
    only is computed once per call (`hoist_invariants`), and the `loop_vars`
    passed in are updated in place.

    Args:
        body: a function of tensors `body(inputs, *loop_vars)` returning the
            next `loop_vars`, with the same structure, shapes and dtypes.
    """

    def __init__(self, body):
        self.body = body
        self._traced = {}

    def __call__(self, inputs, count, loop_vars):
        flat_inputs = _tensors(inputs)
        flat_vars = _tensors(loop_vars)
        key = (
            _structure_key((inputs, loop_vars)),
            tuple((x.shape, x.dtype) for x in flat_inputs + flat_vars),
        )
        if key not in self._traced:
            self._traced[key] = self._trace(inputs, loop_vars, flat_inputs, flat_vars)
        prologue, step = self._traced[key]
        with torch.no_grad():
            invariants = [*flat_inputs, *prologue(*flat_inputs)]
            for _ in range(int(count)):
                flat_vars = step(*invariants, *flat_vars)
        return keras.tree.pack_sequence_as(tuple(loop_vars), list(flat_vars))

    def _trace(self, inputs, loop_vars, flat_inputs, flat_vars):
        def step_inputs(flat):
            return keras.tree.pack_sequence_as(inputs, list(flat))

        with torch.no_grad():
            graph_module = trace(
                self.body,
                step_inputs,
                len(flat_inputs),
                loop_vars,
                flat_inputs + flat_vars,
            )
            prologue, step = hoist_invariants(graph_module, len(flat_inputs))
            arguments = [n for n in step.graph.nodes if n.op == "placeholder"]
            donate(step, len(arguments) - len(flat_vars))
        return prologue, step


def trace(
    body, step_inputs, num_inputs, loop_vars, arguments, unroll=1, decompositions=None
):
    """`unroll` steps of `body` as a graph of ATen operators of flat arguments.

    Args:
        body: `body(inputs, *loop_vars)`, returning the next `loop_vars`.
        step_inputs: the body's `inputs` from the first `num_inputs` arguments.
        num_inputs: how many of the `arguments` make the inputs.
        loop_vars: the loop variables' structure.
        arguments: flat example tensors, the inputs' then the loop variables'.
        unroll: steps per call of the graph.
        decompositions: an optional decomposition table for `make_fx`.
    """

    def flat_body(*flat):
        inputs = step_inputs(flat[:num_inputs])
        step_vars = keras.tree.pack_sequence_as(tuple(loop_vars), flat[num_inputs:])
        for _ in range(unroll):
            step_vars = body(inputs, *step_vars)
        # The next call takes them as inputs, traced contiguous.
        return [x.contiguous() for x in keras.tree.flatten(step_vars)]

    return make_fx(flat_body, decomposition_table=decompositions, tracing_mode="fake")(
        *arguments
    )
