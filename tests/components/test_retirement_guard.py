"""RetirementGuardConstruct and RevisionRemovalGuard
(components/retirement_guard.py): the plan-time refusals to destroy an istiod
revision still in use, or one dropped without being named as retired. This
file checks the Terraform they synthesize (Terraform itself runs them in
tests/contracts/test_retirement_guard_terraform.py)."""

from __future__ import annotations

from conftest import config_from, fresh_stack, synth_stack
from istio_mesh.plan import mesh_plan
from istio_mesh.plan.day_two import RetirementGuard

IN_USE = (
    'Istio revision "1-29-6" is still in use, so the plan does not destroy its istiod release "istiod-1-29-6". '
    "Namespaces labelled istio.io/rev with it or one of its tags: "
    '${length(local.istiod-1-29-6-retirement-namespaces) == 0 ? "none" : '
    'join(", ", local.istiod-1-29-6-retirement-namespaces)}. '
    "Pods it injected, per namespace: "
    '${length([for ns, n in local.istiod-1-29-6-retirement-pods : "${ns}: ${n}"]) == 0 ? "none" : '
    'join(", ", [for ns, n in local.istiod-1-29-6-retirement-pods : "${ns}: ${n}"])}. '
    "Revision tags still pointing at it: "
    '${length(local.istiod-1-29-6-retirement-tags) == 0 ? "none" : '
    'join(", ", local.istiod-1-29-6-retirement-tags)}. '
    "Next: point each namespace at a revision or tag that stays (its namespaces[].revision here, or kubectl "
    "label namespace NAME istio.io/rev=TAG --overwrite), move the tags (revisionTags) in an apply before this "
    "one, restart the workloads (kubectl -n NAMESPACE rollout restart deployment) so the new revision injects "
    "them, and plan again. To remove it anyway, set retiredRevisions[].allowInUse.reason."
)


def test_a_retired_revision_reads_namespaces_pods_and_tags_and_refuses_while_any_uses_it() -> None:
    from istio_mesh.components.retirement_guard import RetirementGuardConstruct

    (guard,) = mesh_plan(config_from(
        "revisions: [{name: 1-30-3}]\ndefaultRevision: 1-30-3\nretiredRevisions: [{name: 1-29-6}]"
    )).retirements
    stack = fresh_stack()
    RetirementGuardConstruct(stack, "retirement-guard", guard=guard)
    out = synth_stack(stack)
    # Literal arguments and no dependencies: Terraform reads them while planning.
    assert out["data"]["kubernetes_resources"] == {
        "istiod-1-29-6-retirement-tags": {
            "api_version": "admissionregistration.k8s.io/v1",
            "kind": "MutatingWebhookConfiguration",
            "label_selector": "istio.io/tag,istio.io/rev=1-29-6",
        },
        "istiod-1-29-6-retirement-namespaces": {"api_version": "v1", "kind": "Namespace", "label_selector": "istio.io/rev"},
        "istiod-1-29-6-retirement-pods": {"api_version": "v1", "kind": "Pod", "label_selector": "istio.io/rev=1-29-6"},
    }
    assert out["locals"]["istiod-1-29-6-retirement-tags"] == (
        '${sort([for w in data.kubernetes_resources.istiod-1-29-6-retirement-tags.objects : '
        'w.metadata.labels["istio.io/tag"]])}'
    )
    assert out["resource"]["terraform_data"] == {
        "istiod-1-29-6-retirement-guard": {
            "input": {"revision": "1-29-6", "release": "istiod-1-29-6"},
            "lifecycle": {"precondition": [{
                "condition": "${length(local.istiod-1-29-6-retirement-namespaces) == 0 && "
                             "length(local.istiod-1-29-6-retirement-pods) == 0 && "
                             "length(local.istiod-1-29-6-retirement-tags) == 0}",
                "error_message": IN_USE,
            }]},
        }
    }


def test_with_an_override_reason_the_cluster_is_not_read_and_only_the_reason_is_recorded() -> None:
    from istio_mesh.components.retirement_guard import RetirementGuardConstruct

    stack = fresh_stack()
    construct = RetirementGuardConstruct(
        stack, "retirement-guard", guard=RetirementGuard("old", "istiod-old", "drained last week"),
    )
    assert construct.data_sources == []
    assert synth_stack(stack) == {"resource": {"terraform_data": {"istiod-old-retirement-guard": {
        "input": {"revision": "old", "release": "istiod-old", "allow_in_use": "drained last week"},
    }}}}


def test_the_removal_guard_refuses_releases_of_the_last_apply_missing_from_the_kept_ones() -> None:
    from istio_mesh.components.retirement_guard import RevisionRemovalGuard

    stack = fresh_stack()
    RevisionRemovalGuard(stack, "removal-guard", kept=["istiod-b", "istiod"])
    gone = 'sort(setsubtract(keys(local.previous_istio_versions), ["istiod", "istiod-b"]))'
    assert synth_stack(stack)["resource"]["terraform_data"] == {"istiod-removal-guard": {"lifecycle": {
        "precondition": [{
            "condition": f"${{length({gone}) == 0}}",
            "error_message": (
                f'Istio release(s) ${{join(", ", {gone})}} ran after the last apply and are not in this config. '
                "Name each removed revision in retiredRevisions (e.g. retiredRevisions: [{name: 1-29-6}]) so "
                "the plan first checks that no namespace, pod or revision tag still uses it."
            ),
        }],
    }}}


def test_with_nothing_kept_every_release_of_the_last_apply_counts_as_removed() -> None:
    from istio_mesh.components.retirement_guard import RevisionRemovalGuard

    stack = fresh_stack()
    RevisionRemovalGuard(stack, "removal-guard", kept=[])
    (precondition,) = synth_stack(stack)["resource"]["terraform_data"]["istiod-removal-guard"]["lifecycle"][
        "precondition"]
    assert precondition["condition"] == "${length(sort(setsubtract(keys(local.previous_istio_versions), []))) == 0}"
