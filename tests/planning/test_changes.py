"""A new version's first line: what changed against the one before, every figure read from the two plans."""

from __future__ import annotations

from stack8s_architect.planning.changes import change_line

from ..rendering.plans import compute, plan, sizing


def test_the_change_line_names_weights_compute_and_cost_from_the_two_plans() -> None:
    before = plan(rows=[compute(count=8, instances=2, instance_type="p5.48xlarge", price=98.32)])
    after = plan(plan_sizing=sizing(weights=37.0, precision="awq"),
                 rows=[compute(accelerator="L4", count=4, instances=1, instance_type="g6.12xlarge", price=4.6,
                               spot=True)])
    after = after.model_copy(update={"version": 2, "cost": after.cost.model_copy(update={"total_monthly_usd": 3360.08})})
    before = before.model_copy(update={"cost": before.cost.model_copy(update={"total_monthly_usd": 143547.2})})
    assert change_line(before, after) == (
        "Changed from v1: 4-bit (AWQ) weights instead of BF16; 1 × g6.12xlarge (4 × L4, aws us-east-1, spot) instead of "
        "2 × p5.48xlarge (16 × H100-SXM, aws us-east-1); $3,360.08 a month instead of $143,547.20.")


def test_an_unchanged_compute_and_cost_says_what_else_changed() -> None:
    before = plan()
    after = plan(roles=("inference-server", "metrics")).model_copy(update={"version": 2})
    assert change_line(before, after) == ("Changed from v1: the same model, compute and cost; the Kubernetes stack "
                                          "changed.")


def test_a_new_context_and_its_kv_cache_are_named() -> None:
    """"use a 32k context" on the same GPUs: the line says the context and the KV cache it sized, not "the assumptions
    changed"."""
    before = plan()  # 8,192 tokens, 2.5 GiB of KV
    longer = sizing(context=32768).model_copy(update={"kv_cache_gib": 10.0})
    after = plan(plan_sizing=longer).model_copy(update={"version": 2})
    assert change_line(before, after) == ("Changed from v1: a 32,768-token context instead of 8,192; 10 GiB of KV "
                                          "cache instead of 2.5.")
