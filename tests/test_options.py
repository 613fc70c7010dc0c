import pytest

from scaffold.errors import UsageProblem
from scaffold.names import parse_name
from scaffold.options import ACTIVATIONS, KINDS, Kind, LayerOptions, Placement, WeightApi

NAME = parse_name("Probe")


def create(**kwargs):
    return LayerOptions.create(NAME, **kwargs)


def test_defaults_are_a_blank_layer_built_in_build_with_add_weight():
    options = create()
    assert options.kind is Kind.BLANK
    assert options.placement is Placement.BUILD
    assert options.weight_api is WeightApi.ADD_WEIGHT
    assert dict(options.hyperparameters) == {"use_bias": True}


@pytest.mark.parametrize("kind", list(Kind))
def test_every_kind_gets_exactly_its_own_defaults(kind):
    options = create(kind=kind.value)
    assert dict(options.hyperparameters) == dict(KINDS[kind].defaults)


def test_given_hyperparameters_override_defaults():
    options = create(kind="conv2d", filters=6, kernel_size=5, padding="same", activation="relu")
    assert options.hyperparameters["filters"] == 6
    assert options.hyperparameters["kernel_size"] == 5
    assert options.hyperparameters["padding"] == "same"
    assert options.hyperparameters["activation"] == "relu"


def test_linear_activation_is_stored_as_none():
    assert create(kind="dense", activation="linear").hyperparameters["activation"] is None


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"kind": "dense", "filters": 3}, "--filters does not apply to --kind dense"),
        ({"kind": "conv2d", "units": 3}, "--units does not apply to --kind conv2d"),
        ({"kind": "se", "activation": "relu"}, "--activation does not apply to --kind se"),
        ({"kind": "blank", "ratio": 4}, "--ratio does not apply"),
        ({"kind": "conv-bn-relu", "use_bias": False}, "--use-bias does not apply"),
        ({"kind": "subsampling", "kernel_size": 3}, "--kernel-size does not apply"),
        ({"kind": "conv-bn-relu", "weight_api": "variable"}, "--weight-api does not apply"),
        ({"kind": "conv-bn-relu", "weight_api": "add_weight"}, "--weight-api does not apply"),
        ({"placement": "init"}, "give the input size with --input-dim"),
        ({"input_dim": 4}, "--input-dim only applies to --weights-in init"),
        (
            {"kind": "se", "placement": "init", "input_dim": 8},
            "--ratio 16 is larger than --input-dim 8",
        ),
        ({"kind": "dense", "units": 0}, "--units must be between 1 and 65536"),
        ({"kind": "dense", "units": -3}, "--units must be between"),
        ({"kind": "dense", "units": 10**9}, "--units must be between"),
        ({"kind": "dense", "units": 2.5}, "--units must be a whole number"),
        ({"kind": "dense", "units": True}, "--units must be a whole number"),
        ({"kind": "conv2d", "kernel_size": 0}, "--kernel-size must be between 1 and 31"),
        ({"kind": "conv2d", "kernel_size": 99}, "--kernel-size must be between"),
        ({"kind": "conv2d", "strides": 0}, "--strides must be between"),
        ({"kind": "conv2d", "padding": "causal"}, "--padding 'causal' is not one of"),
        (
            {"kind": "dense", "activation": "relu7"},
            "--activation 'relu7' is not a Keras activation",
        ),
        ({"kind": "dense", "activation": "os.system"}, "is not a Keras activation"),
        ({"kind": "se", "ratio": 0}, "--ratio must be between"),
        ({"placement": "init", "input_dim": 0}, "--input-dim must be between"),
        ({"kind": "lstm"}, "--kind 'lstm' is not one of"),
        ({"placement": "call"}, "--weights-in 'call' is not one of"),
        ({"weight_api": "tf.Variable"}, "--weight-api 'tf.Variable' is not one of"),
        ({"bogus": 1}, "unknown option"),
        ({"kind": "scaled-tanh", "weight_api": "variable"}, "scaled-tanh: it has no weights"),
        (
            {"kind": "scaled-tanh", "placement": "init", "input_dim": 3},
            "--weights-in init does not apply to --kind scaled-tanh",
        ),
        ({"kind": "scaled-tanh", "units": 3}, "(it takes: none)"),
        ({"kind": "rbf", "placement": "init", "input_dim": 80}, "give --input-dim 84"),
        ({"kind": "rbf", "activation": "relu"}, "--activation does not apply to --kind rbf"),
        ({"kind": "conv2d", "connections": "0;1"}, "--connections does not apply"),
        ({"kind": "partial-conv2d", "filters": 6}, "--filters does not apply"),
        ({"kind": "partial-conv2d", "connections": "0,1;a"}, "is not a table such as"),
        ({"kind": "partial-conv2d", "connections": "0,1;"}, "is not a table such as"),
        ({"kind": "partial-conv2d", "connections": "0,1,1"}, "lists an input channel twice"),
        ({"kind": "partial-conv2d", "connections": "0;-1"}, "output map 1 lists [-1]"),
        ({"kind": "partial-conv2d", "connections": []}, "--connections is empty"),
        ({"kind": "partial-conv2d", "connections": [[0], []]}, "output map 1 has no input"),
        (
            {"kind": "partial-conv2d", "placement": "init", "input_dim": 4},
            "--connections uses input channel 5 but --input-dim is 4",
        ),
    ],
)
def test_invalid_options_are_refused_with_the_reason(kwargs, message):
    with pytest.raises(UsageProblem) as info:
        create(**kwargs)
    assert message in str(info.value)


def test_init_placement_keeps_the_input_size():
    options = create(kind="conv2d", placement="init", input_dim=3)
    assert options.input_dim == 3


def test_activation_list_has_no_duplicates():
    assert len(set(ACTIVATIONS)) == len(ACTIVATIONS)


def test_connections_parse_from_text_and_default_to_lenet5_c3():
    options = create(kind="partial-conv2d", connections="0,1; 2 ,0;1")
    assert options.hyperparameters["connections"] == ((0, 1), (2, 0), (1,))
    table = create(kind="partial-conv2d").hyperparameters["connections"]
    assert len(table) == 16 and sum(map(len, table)) == 60
    assert [len(inputs) for inputs in table] == [3] * 6 + [4] * 9 + [6]


def test_the_rbf_kind_takes_its_bitmaps_size():
    assert create(kind="rbf", placement="init", input_dim=84).input_dim == 84
