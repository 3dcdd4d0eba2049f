"""Test-only policy overrides of a worker process (``TRAJECTORIES_POLICY_OVERRIDES``): checked at start, off by default."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest

from domain.policy import effective_policy, override_policies
from service import config
from workflows import WORKFLOWS

POLICIES = {region: workflow.policy for region, workflow in WORKFLOWS.items()}


@pytest.fixture
def overrides_reset() -> Iterator[None]:
    yield
    override_policies({}, POLICIES)  # process-wide state: never leak into other tests


def test_no_overrides_means_the_policy_itself() -> None:
    assert all(effective_policy(policy) is policy for policy in POLICIES.values())


def test_overrides_replace_only_the_named_fields(overrides_reset: None) -> None:
    override_policies({"almere": {"uwv_answer_within": "PT6S"}}, POLICIES)
    almere = effective_policy(POLICIES["almere"])
    assert almere.uwv_answer_within == timedelta(seconds=6)
    assert almere.model_dump(exclude={"uwv_answer_within"}) == POLICIES["almere"].model_dump(
        exclude={"uwv_answer_within"}
    )
    assert effective_policy(POLICIES["oss"]) is POLICIES["oss"]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"utrecht": {"uwv_answer_within": "PT6S"}}, "unknown regions: utrecht"),
        ({"almere": {"uwv_answer_in": "PT6S"}}, "has no field(s) uwv_answer_in"),
        ({"almere": {"uwv_answer_within": "soon"}}, "uwv_answer_within"),
    ],
)
def test_bad_overrides_are_refused_at_worker_start(overrides_reset: None, overrides, message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        override_policies(overrides, POLICIES)
    assert effective_policy(POLICIES["almere"]) is POLICIES["almere"]


def test_the_variable_is_json_region_to_fields(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(config.POLICY_OVERRIDES_VARIABLE, raising=False)
    assert config.policy_overrides() == {}
    monkeypatch.setenv(config.POLICY_OVERRIDES_VARIABLE, '{"almere": {"uwv_answer_within": "PT6S"}}')
    assert config.policy_overrides() == {"almere": {"uwv_answer_within": "PT6S"}}
    monkeypatch.setenv(config.POLICY_OVERRIDES_VARIABLE, '["almere"]')
    with pytest.raises(ValueError, match="region → fields"):
        config.policy_overrides()
