import pytest

from scaffold.errors import UsageProblem
from scaffold.names import parse_name


@pytest.mark.parametrize("raw", ["ConvBnRelu", "conv_bn_relu", "conv-bn-relu", "convBnRelu"])
def test_spellings_of_one_name_agree(raw):
    name = parse_name(raw)
    assert (name.class_name, name.module_name) == ("ConvBnRelu", "conv_bn_relu")


@pytest.mark.parametrize(
    "raw, class_name, module_name",
    [
        ("SEBlock", "SEBlock", "se_block"),
        ("scale", "Scale", "scale"),
        ("lenet_c1", "LenetC1", "lenet_c1"),
        ("Dense2D", "Dense2D", "dense2_d"),
        ("my__layer", "MyLayer", "my_layer"),
    ],
)
def test_class_and_module_names(raw, class_name, module_name):
    name = parse_name(raw)
    assert (name.class_name, name.module_name) == (class_name, module_name)


@pytest.mark.parametrize(
    "raw, reason",
    [
        ("", "empty"),
        ("   ", "empty"),
        ("class", "keyword"),
        ("match", "keyword"),
        ("1abc", "digit"),
        ("../x", "path"),
        ("a/b", "path"),
        ("a\\b", "path"),
        ("a..b", "path"),
        ("a\nb", "only contain"),
        ("a b", "only contain"),
        ('Foo"); import os; ("', "only contain"),
        ("Lаyer", "non-ASCII"),  # Cyrillic a
        ("x" * 300, "characters long"),
        ("print", "shadow"),
        ("Layer", "shadow"),
        ("layer", "shadow"),
        ("list", "shadow"),
        ("keras", "shadow"),
        ("KerasContract", "shadow"),  # keras_contract.py: the contract beside generated tests
        ("_", "keyword"),
        ("__", "no letters"),
        ("--", "no letters"),
        ("Class", "not give a valid"),
    ],
)
def test_rejected_names_say_why(raw, reason):
    with pytest.raises(UsageProblem) as info:
        parse_name(raw)
    message = str(info.value)
    assert reason in message
    assert "\n" not in message
