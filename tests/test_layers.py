"""The one-way layers (pyproject.toml, [tool.importlinter]): each app imports only those below it.

`.ci/run` runs `lint-imports` too; this test keeps a violation from waiting for CI, and
shows the contract is not one that cannot fail."""
import grimp
import pytest
from importlinter.application.use_cases import read_user_options
from importlinter.configuration import configure
from importlinter.contracts.layers import LayersContract


@pytest.fixture(scope="module")
def contract_and_graph():
    configure()
    options = read_user_options()  # pyproject.toml, from the repository's root (pytest's rootdir)
    [contract_options] = options.contracts_options
    contract = LayersContract(name=contract_options["name"], session_options=options.session_options,
                              contract_options=contract_options)
    return contract, grimp.build_graph(*options.session_options["root_packages"])


def test_every_app_imports_only_the_layers_below_it(contract_and_graph):
    contract, graph = contract_and_graph
    check = contract.check(graph, verbose=False)
    assert check.kept, check.metadata


@pytest.mark.parametrize("importer, imported", [
    ("cases.limitation", "dunning.planning"),  # the claim asking what happens next
    ("core.money", "law.actions"),  # core imports no app
    ("letters.records", "dunning.balances"),
    ("dunning.engine", "classification.rules"),
    ("portal.case_views", "api.cases"),  # the faces stand side by side
])
def test_a_lower_layer_importing_a_higher_one_breaks_the_contract(contract_and_graph, importer, imported):
    contract, graph = contract_and_graph
    graph.add_import(importer=importer, imported=imported, line_number=1, line_contents=f"import {imported}")
    try:
        assert not contract.check(graph, verbose=False).kept
    finally:
        graph.remove_import(importer=importer, imported=imported)
