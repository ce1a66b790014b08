"""Rules for the ``observability:`` section: a production mesh left without
alerts or with Kiali open to anyone, scrapes too frequent for Prometheus, and
dashboards shipped for another Istio release. Each check is called on its
own, on a config built from YAML text: the exact finding where it should
fire and nothing for the safe setting."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from conftest import config_from
from istio_mesh.config.cluster import MeshConfig
from istio_mesh.lint import observability
from istio_mesh.lint.rules import Finding

Check = Callable[[MeshConfig], Iterator[Finding]]

PROD = "environment: production\n"
STAGING = "environment: staging\n"
OPERATOR = "prometheusOperator: installed"


def found(check: Check, text: str) -> list[tuple[str, str, str]]:
    """(rule, field path, severity) of every finding ``check`` makes on ``text``."""
    return [(f.rule, f.path, f.severity) for f in check(config_from(text))]


def only(check: Check, text: str) -> Finding:
    [one] = list(check(config_from(text)))
    return one


# --- prod_no_istiod_alerts -------------------------------------------------------------


def test_a_production_mesh_with_alerts_turned_off_is_found() -> None:
    f = only(observability.prod_no_istiod_alerts,
             PROD + f"observability: {{{OPERATOR}, alerts: {{enabled: false}}}}\n")
    assert (f.rule, f.path, f.severity) == ("prod-no-istiod-alerts", "observability.alerts.enabled", "error")
    assert f.message == ("is false in a production mesh: nothing alerts when istiod is down, rejects "
                         "configuration or fails to inject sidecars")
    assert f.fix == "turn alerts on (the built-in control-plane rules, see docs/observability.md)"


def test_a_production_mesh_with_the_default_alerts_is_not_found() -> None:
    assert found(observability.prod_no_istiod_alerts, PROD + f"observability: {{{OPERATOR}}}\n") == []


def test_a_production_mesh_without_the_observability_section_is_not_judged() -> None:
    assert found(observability.prod_no_istiod_alerts, PROD) == []


def test_alerts_turned_off_outside_production_are_not_found() -> None:
    text = STAGING + f"observability: {{{OPERATOR}, alerts: {{enabled: false}}}}\n"
    assert found(observability.prod_no_istiod_alerts, text) == []


# --- scrape_interval_too_short ---------------------------------------------------------


def test_a_five_second_scrape_interval_is_too_short_in_any_environment() -> None:
    f = only(observability.scrape_interval_too_short,
             STAGING + f"observability: {{{OPERATOR}, monitors: {{interval: 5s}}}}\n")
    assert (f.rule, f.path, f.severity) == ("scrape-interval-too-short", "observability.monitors.interval",
                                            "warning")
    assert f.message == ("is 5s: every proxy in the mesh is scraped that often, which multiplies "
                         "Prometheus' samples and memory by the mesh's size")
    assert f.fix == "scrape every 15s or more (Istio's sample uses 15s; 30s is common)"


def test_a_fifteen_second_scrape_interval_is_long_enough() -> None:
    text = STAGING + f"observability: {{{OPERATOR}, monitors: {{interval: 15s}}}}\n"
    assert found(observability.scrape_interval_too_short, text) == []


def test_the_default_scrape_interval_is_long_enough() -> None:
    assert found(observability.scrape_interval_too_short, STAGING + f"observability: {{{OPERATOR}}}\n") == []


def test_a_short_interval_of_monitors_turned_off_is_not_found() -> None:
    text = STAGING + f"observability: {{{OPERATOR}, monitors: {{enabled: false, interval: 5s}}}}\n"
    assert found(observability.scrape_interval_too_short, text) == []


# --- prod_kiali_anonymous --------------------------------------------------------------


def test_anonymous_kiali_in_production_is_found() -> None:
    text = PROD + f"observability: {{{OPERATOR}, kiali: {{enabled: true, auth: {{strategy: anonymous}}}}}}\n"
    f = only(observability.prod_kiali_anonymous, text)
    assert (f.rule, f.path, f.severity) == ("prod-kiali-anonymous", "observability.kiali.auth.strategy", "error")
    assert f.fix == "use token, or header behind an authenticating proxy"


def test_kiali_with_token_sign_in_in_production_is_not_found() -> None:
    text = PROD + f"observability: {{{OPERATOR}, kiali: {{enabled: true, auth: {{strategy: token}}}}}}\n"
    assert found(observability.prod_kiali_anonymous, text) == []


def test_anonymous_kiali_that_is_not_installed_is_not_found() -> None:
    text = PROD + f"observability: {{{OPERATOR}, kiali: {{enabled: false, auth: {{strategy: anonymous}}}}}}\n"
    assert found(observability.prod_kiali_anonymous, text) == []


def test_anonymous_kiali_outside_production_is_not_found() -> None:
    text = STAGING + f"observability: {{{OPERATOR}, kiali: {{enabled: true, auth: {{strategy: anonymous}}}}}}\n"
    assert found(observability.prod_kiali_anonymous, text) == []


# --- dashboards_for_another_version ----------------------------------------------------


def test_dashboards_of_1_30_on_a_1_31_mesh_are_found() -> None:
    f = only(observability.dashboards_for_another_version,
             STAGING + f"istio: {{version: '1.31.0'}}\nobservability: {{{OPERATOR}}}\n")
    assert (f.rule, f.path, f.severity) == ("observability-version-mismatch", "observability", "warning")
    assert f.message == ("ships Istio 1.30.3's dashboards and metric list, but the mesh runs Istio "
                         "1.31: panels and alerts may name metrics that release does not emit")
    assert f.fix == ("run Istio 1.30, or review the dashboards and rules against your release "
                     "(docs/observability.md)")


def test_a_revision_on_another_minor_is_named_in_the_mismatch() -> None:
    text = (STAGING + "revisions: [{name: old, version: '1.29.9'}, {name: new}]\ndefaultRevision: new\n"
            f"observability: {{{OPERATOR}}}\n")
    f = only(observability.dashboards_for_another_version, text)
    assert "but the mesh runs Istio 1.29:" in f.message


def test_dashboards_on_the_release_they_were_made_for_are_not_found() -> None:
    text = STAGING + f"istio: {{version: '1.30.3'}}\nobservability: {{{OPERATOR}}}\n"
    assert found(observability.dashboards_for_another_version, text) == []


def test_a_mismatch_without_dashboards_or_alerts_is_not_found() -> None:
    text = (STAGING + "istio: {version: '1.31.0'}\n"
            f"observability: {{{OPERATOR}, dashboards: {{enabled: false}}, alerts: {{enabled: false}}}}\n")
    assert found(observability.dashboards_for_another_version, text) == []


def test_every_observability_rule_is_silent_without_the_section() -> None:
    config = config_from(PROD + "istio: {version: '1.31.0'}\n")
    assert [f.rule for check in observability.OBSERVABILITY_CHECKS for f in check(config)] == []
