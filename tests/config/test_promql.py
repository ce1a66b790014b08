"""Alert expressions checked against the metrics Istio emits
(config/promql.py). This file calls check_expression directly: sound
expressions pass, and each kind of problem (syntax, an unnamed or unknown
metric, a label the metric lacks, a grouping label none carries, a range
under two scrape intervals) gets its exact message."""

from __future__ import annotations

import pytest

from istio_mesh.config.promql import OTHER_SOURCES, TARGET_LABELS, OtherSource, Problem, check_expression

SCRAPE = (
    "(and the scrape's: app, container, endpoint, instance, job, namespace, pod, service)"
)


def check(expr: str, *sources: OtherSource, interval: float = 30) -> Problem | None:
    return check_expression(expr, sources=sources, scrape_interval_seconds=interval)


def message(expr: str, *sources: OtherSource, interval: float = 30) -> str:
    problem = check(expr, *sources, interval=interval)
    assert problem is not None, f"{expr!r} passed"
    return problem.message


@pytest.mark.parametrize(
    "expr",
    [
        'sum(rate(istio_requests_total{response_code=~"5.."}[5m])) by (destination_service)',
        "histogram_quantile(0.99, sum(rate(istio_request_duration_milliseconds_bucket[5m])) by (le))",
        'pilot_proxy_convergence_time_bucket{le="0.1"}',
        '{__name__="istio_requests_total"}',
        'istio_requests_total{pod="istiod-1", namespace="istio-system", job="pods"}',
        'sum by (colour) (label_replace(istio_requests_total, "colour", "$1", "app", "(.*)"))',
    ],
)
def test_expressions_over_istios_own_metrics_and_labels_pass(expr: str) -> None:
    assert check(expr) is None


def test_a_range_of_exactly_two_scrape_intervals_passes() -> None:
    assert check("sum(rate(pilot_xds_pushes[1m]))", interval=30) is None


def test_a_range_under_two_scrape_intervals_is_refused() -> None:
    assert message("sum(rate(pilot_xds_pushes[59s]))", interval=30) == (
        "has a range of 59s, under two scrape intervals (60s): rate() and increase() return nothing "
        "over fewer than two samples"
    )


def test_the_range_is_measured_against_the_configured_interval() -> None:
    assert message("increase(pilot_xds_pushes[2m])", interval=90) == (
        "has a range of 120s, under two scrape intervals (180s): rate() and increase() return nothing "
        "over fewer than two samples"
    )


def test_text_that_is_not_promql_is_refused_with_the_parsers_first_line() -> None:
    assert message("rate(istio_requests_total[1m]") == "is not valid PromQL: unclosed left parenthesis"


def test_a_selector_without_a_metric_name_is_refused() -> None:
    assert message('{job="istiod"}') == "selects series without a metric name; name the metric"


def test_a_metric_no_source_emits_is_refused_naming_the_release_and_the_sources() -> None:
    assert message("my_app_errors_total > 0", "prometheus") == (
        "uses metric 'my_app_errors_total', which Istio 1.30.3 does not emit and no declared source "
        "(prometheus) provides; see the metric list in docs/observability.md"
    )


def test_a_histogram_suffix_on_a_counter_is_an_unknown_metric() -> None:
    assert message("pilot_xds_pushes_bucket").startswith(
        "uses metric 'pilot_xds_pushes_bucket', which Istio 1.30.3 does not emit and no declared source (none)"
    )


def test_prometheus_own_series_need_their_source_declared() -> None:
    assert message("up == 0").startswith("uses metric 'up', which Istio 1.30.3 does not emit")
    assert check("up == 0", "prometheus") is None


def test_kube_state_metrics_series_pass_with_their_source_and_their_labels() -> None:
    expr = 'kube_deployment_spec_replicas{deployment="istiod"} > 0'
    assert check(expr, "kube-state-metrics") is None


def test_a_label_the_metric_does_not_carry_is_refused_with_the_labels_it_has() -> None:
    assert message('kube_deployment_spec_replicas{daemonset="istio-cni-node"}', "kube-state-metrics") == (
        f"matches label 'daemonset' of 'kube_deployment_spec_replicas', which it does not carry; "
        f"its labels: deployment {SCRAPE}"
    )


def test_le_is_a_label_of_a_histograms_buckets_only() -> None:
    assert message('pilot_proxy_convergence_time_count{le="1"}') == (
        f"matches label 'le' of 'pilot_proxy_convergence_time_count', which it does not carry; "
        f"its labels: type, version {SCRAPE}"
    )


def test_a_prometheus_series_carries_no_labels_of_its_own() -> None:
    assert message('up{colour="red"}', "prometheus") == (
        f"matches label 'colour' of 'up', which it does not carry; its labels: none {SCRAPE}"
    )


@pytest.mark.parametrize("modifier", ["by", "without"])
def test_grouping_by_a_label_none_of_the_metrics_carries_is_refused(modifier: str) -> None:
    assert message(f"sum {modifier} (colour) (pilot_xds_pushes)") == (
        "groups by label 'colour', which none of its metrics (pilot_xds_pushes) carries"
    )


def test_grouping_by_a_label_of_any_selected_metric_passes() -> None:
    assert check("sum by (type, reporter) (pilot_xds_pushes) + on() group_left sum(istio_requests_total)") is None


def test_the_declared_sources_and_scrape_labels_are_the_documented_ones() -> None:
    assert sorted(OTHER_SOURCES) == ["kube-state-metrics", "prometheus"]
    assert OTHER_SOURCES["kube-state-metrics"]["kube_pod_status_ready"] == {"condition", "uid"}
    assert TARGET_LABELS == {"job", "instance", "namespace", "pod", "container", "service", "endpoint", "app",
                             "__name__"}
