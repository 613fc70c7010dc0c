import pytest

from scaffold.core.errors import UsageProblem
from scaffold.core.names import parse_name


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


@pytest.mark.parametrize("raw", ["TestGate", "test_gate", "GateTest", "gate_test"])
def test_names_pytest_would_collect_are_refused(raw):
    with pytest.raises(UsageProblem, match="pytest would collect"):
        parse_name(raw)


@pytest.mark.parametrize(
    "name, reason",
    [
        ("json", "standard-library module json"),
        ("sys", "standard-library module sys"),
        ("numpy", "installed module numpy"),
        ("pytest", "pytest's"),
        ("conftest", "pytest's"),
        ("keras_contract", "generated tests' own module"),
    ],
)
def test_top_level_names_that_would_hide_a_module(name, reason):
    from scaffold.core.names import check_top_level_module

    with pytest.raises(UsageProblem, match=reason):
        check_top_level_module(name, "layer module")


def test_the_users_own_directories_are_not_installed_modules(tmp_path, monkeypatch):
    """A layer generated again where it was generated before is not refused as
    hiding itself: the current directory and the target directories do not count."""
    from scaffold.core import names

    (tmp_path / "my_own_layer.py").write_text("")
    monkeypatch.syspath_prepend(str(tmp_path))
    names.importable_modules.cache_clear()
    try:
        names.check_top_level_module("my_own_layer", "layer module", home=(tmp_path,))
        with pytest.raises(UsageProblem, match="installed module my_own_layer"):
            names.check_top_level_module("my_own_layer", "layer module")  # from elsewhere
        monkeypatch.chdir(tmp_path)
        names.importable_modules.cache_clear()
        names.check_top_level_module("my_own_layer", "layer module")
    finally:
        names.importable_modules.cache_clear()


def test_a_project_is_regenerated_even_when_installed(tmp_path, monkeypatch):
    """`pip install -e proj` puts proj/src on sys.path: proj's package then is
    importable, and regenerating proj must still work."""
    from scaffold.core import names
    from scaffold.generators.lenet import check_package_is_free

    package = tmp_path / "proj" / "src" / "myproj"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    monkeypatch.syspath_prepend(str(tmp_path / "proj" / "src"))
    names.importable_modules.cache_clear()
    try:
        check_package_is_free(tmp_path / "proj", "myproj")
        with pytest.raises(UsageProblem, match="installed module myproj"):
            check_package_is_free(tmp_path / "other", "myproj")
    finally:
        names.importable_modules.cache_clear()


def test_a_module_in_a_package_cannot_hide_anything(tmp_path):
    from scaffold.generators.layer import check_module_names, resolve_target

    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    check_module_names(resolve_target(tmp_path / "pkg", None, with_tests=True), "json")
    with pytest.raises(UsageProblem, match="layer module 'json'"):
        check_module_names(resolve_target(tmp_path, None, with_tests=True), "json")
