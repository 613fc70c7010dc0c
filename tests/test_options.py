import pytest

from scaffold.core.errors import UsageProblem
from scaffold.core.names import parse_name
from scaffold.kinds.registry import builtin_kinds
from scaffold.kinds.schema import ACTIVATIONS
from scaffold.options import LayerOptions, Placement, WeightApi

NAME = parse_name("Probe")


def create(**kwargs):
    return LayerOptions.create(NAME, **kwargs)


def test_defaults_are_a_blank_layer_built_in_build_with_add_weight():
    options = create()
    assert options.kind.name == "blank"
    assert options.placement is Placement.BUILD
    assert options.weight_api is WeightApi.ADD_WEIGHT
    assert dict(options.hyperparameters) == {"use_bias": True}


@pytest.mark.parametrize("kind", builtin_kinds(), ids=lambda kind: kind.name)
def test_every_kind_gets_exactly_its_own_defaults(kind):
    options = create(kind=kind.name)
    declared = {name: option.default for name, option in kind.spec.options.items()}
    assert dict(options.hyperparameters) == declared


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


@pytest.mark.parametrize(
    "kind, given",
    [
        ("dense", {"units": 1, "activation": "softmax"}),
        ("dense", {"units": 1, "activation": "log_softmax"}),
        ("conv2d", {"filters": 1, "activation": "softmax"}),
    ],
)
def test_an_activation_that_makes_one_unit_constant_is_refused(kind, given):
    with pytest.raises(UsageProblem, match="the layer cannot learn"):
        LayerOptions.create(parse_name("F"), kind=kind, **given)


def test_the_constant_output_rule_follows_the_output_width():
    """Derived from the options, not a list: every kind with an activation and an
    output width; widths above one, other activations, or an unknown width pass."""
    from scaffold.options import AXIS_NORMALIZING

    for kind in builtin_kinds():
        spec = kind.spec
        if spec.output_width is None:
            assert "activation" not in spec.options
            continue
        for activation in ACTIVATIONS:
            for width in (1, 2):
                given = {"activation": activation}
                extra = {}
                if spec.output_width == "input":
                    extra = {"placement": "init", "input_dim": width}
                else:
                    given[spec.output_width] = width
                constant = activation in AXIS_NORMALIZING and width == 1
                if constant:
                    with pytest.raises(UsageProblem, match="cannot learn"):
                        LayerOptions.create(parse_name("F"), kind=kind, **extra, **given)
                else:
                    LayerOptions.create(parse_name("F"), kind=kind, **extra, **given)
    # subsampling built from the data: the width is not known, so it is accepted
    LayerOptions.create(parse_name("F"), kind="subsampling", activation="softmax")


def test_a_description_undecodable_in_the_locale_is_recovered_or_refused():
    # "café" typed in UTF-8, read under a C locale: the bytes arrive as surrogates
    typed = "caf\udcc3\udca9"
    options = LayerOptions.create(parse_name("F"), description=typed)
    assert options.description == "caf\u00e9"
    with pytest.raises(UsageProblem, match="not valid UTF-8"):
        LayerOptions.create(parse_name("F"), description="caf\udce9")  # Latin-1 bytes
