"""Read nodes and pods from a Kubernetes API server with the official client (`kubernetes` package).

Two calls, paged: list nodes, and list pods in every namespace that are not finished (a field selector;
finished pods are dropped again on our side for servers that ignore it). Credentials come from a
kubeconfig (path and context from settings, else the client's default: $KUBECONFIG, ~/.kube/config) or
from the pod's service account (in-cluster). Every failure becomes a `ClusterUnavailable` that says
what to change: unreachable, refused credentials (401), missing permission (403), a bad kubeconfig.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import urllib3
from kubernetes import client, config
from kubernetes.client.exceptions import ApiException
from kubernetes.config.config_exception import ConfigException

from stack8s_architect.catalog.cluster.inventory import ClusterInventory, InventoryError, build_inventory
from stack8s_architect.core.settings import ClusterSettings

PAGE = 500
_UNFINISHED = "status.phase!=Succeeded,status.phase!=Failed"
# What the reading account needs: `kubectl create clusterrole stack8s-gpu-inventory --verb=list --resource=nodes,pods`.
RBAC_HINT = ("grant it `list` on nodes and pods cluster-wide, e.g. `kubectl create clusterrole stack8s-gpu-inventory "
             "--verb=list --resource=nodes,pods` and a clusterrolebinding to that user or service account")


class ClusterUnavailable(Exception):
    """The cluster could not be read; `problem` says which way (unreachable, forbidden, unauthorized, config,
    invalid)."""

    def __init__(self, problem: str, message: str):
        super().__init__(message)
        self.problem = problem
        self.message = message


def _api_client(settings: ClusterSettings, *, in_cluster: bool) -> tuple[client.ApiClient, str, str]:
    """(client, cluster name, where) from the pod's service account or the kubeconfig."""
    configuration = client.Configuration()
    try:
        if in_cluster:
            config.load_incluster_config(client_configuration=configuration)
            name = "in-cluster"
        else:
            path = str(settings.cluster_kubeconfig.expanduser()) if settings.cluster_kubeconfig else None
            if path is not None and not Path(path).is_file():
                raise ClusterUnavailable("config", f"kubeconfig {path} does not exist; set ARCHITECT_CLUSTER_KUBECONFIG "
                                                   "to an existing file")
            config.load_kube_config(config_file=path, context=settings.cluster_context,
                                    client_configuration=configuration, persist_config=False)
            name = settings.cluster_context or _current_context(path)
    except ConfigException as exc:
        where = "the pod's service account" if in_cluster else "the kubeconfig"
        raise ClusterUnavailable("config", f"{where} could not be loaded: {exc}; set ARCHITECT_CLUSTER_KUBECONFIG / "
                                           "ARCHITECT_CLUSTER_CONTEXT, or ARCHITECT_CLUSTER=off") from None
    configuration.retries = 0  # no retry: a host that does not answer fails after one connect timeout (the
    # reading is cached, so the next try comes with the next period)
    return client.ApiClient(configuration), name, configuration.host


def _current_context(path: str | None) -> str:
    try:
        _, active = config.list_kube_config_contexts(config_file=path)
    except (ConfigException, OSError):
        return "kubeconfig"
    return str((active or {}).get("name") or "kubeconfig")


def _pages(call: Callable[..., Any], api: client.ApiClient, timeout: tuple[float, float], **query: Any) -> Iterator[dict]:
    token: str | None = None
    while True:
        page = call(limit=PAGE, _continue=token, _request_timeout=timeout, **query)
        for item in page.items or []:
            yield api.sanitize_for_serialization(item)
        token = page.metadata._continue if page.metadata is not None else None
        if not token:
            return


def read_kubernetes(settings: ClusterSettings, *, in_cluster: bool) -> ClusterInventory:
    """The inventory as the API server sees it now; ClusterUnavailable when it cannot be read."""
    api, name, host = _api_client(settings, in_cluster=in_cluster)
    timeout = (settings.cluster_timeout_s, settings.cluster_timeout_s * 2)
    core = client.CoreV1Api(api)
    try:
        with api:
            nodes = list(_pages(core.list_node, api, timeout))
            pods = [pod for pod in _pages(core.list_pod_for_all_namespaces, api, timeout, field_selector=_UNFINISHED)]
    except ApiException as exc:
        raise _api_problem(exc, host) from None
    except (urllib3.exceptions.HTTPError, OSError) as exc:
        raise ClusterUnavailable("unreachable", f"cannot reach the Kubernetes API server at {host}: "
                                                f"{_reason(exc)}; is the cluster up and this machine on its network? "
                                                "Otherwise set ARCHITECT_CLUSTER=off, or use a static inventory "
                                                "(ARCHITECT_CLUSTER_INVENTORY)") from None
    except (ValueError, TypeError) as exc:  # a body the client's models cannot read
        raise ClusterUnavailable("invalid", f"the API server at {host} answered with something that is not a node "
                                            f"or pod list: {str(exc)[:200]}") from None
    try:
        return build_inventory(nodes, pods, cluster=name, source="kubernetes", location=host,
                               read_at=datetime.now(UTC), tolerated=settings.tolerated_taints)
    except InventoryError as exc:
        raise ClusterUnavailable("invalid", f"the API server at {host} sent a node or pod this reader cannot use: "
                                            f"{exc}") from None


def _api_problem(exc: ApiException, host: str) -> ClusterUnavailable:
    said = _server_message(exc)
    if exc.status == 401:
        return ClusterUnavailable("unauthorized", f"the API server at {host} refused the credentials (401){said}; "
                                                  "refresh the kubeconfig's token or certificate")
    if exc.status == 403:
        return ClusterUnavailable("forbidden", f"the credentials may not list nodes and pods at {host} (403){said}; "
                                               + RBAC_HINT)
    return ClusterUnavailable("unreachable", f"the API server at {host} answered {exc.status} {exc.reason or ''}"
                                             f"{said}".rstrip())


def _server_message(exc: ApiException) -> str:
    """The Status object's message, when the body is one."""
    try:
        message = json.loads(exc.body or "{}").get("message")
    except (ValueError, AttributeError):
        return ""
    return f": {str(message)[:300]}" if message else ""


def _reason(exc: BaseException) -> str:
    reason = getattr(exc, "reason", None) or exc
    text = str(reason)
    if "Connection refused" in text:
        return "connection refused"
    if "timed out" in text.lower():
        return "timed out"
    if "Name or service not known" in text or "nodename nor servname" in text or "Temporary failure in name" in text:
        return "the host name does not resolve"
    if "CERTIFICATE_VERIFY_FAILED" in text:
        return "its TLS certificate is not trusted by the kubeconfig's CA"
    return text[:300]
