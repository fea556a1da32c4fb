"""The role taxonomy of platform components, and the one table that maps charts onto roles.

`ROLE_RULES` is read top to bottom; the first rule whose pattern matches the chart name (lower
case, shell-style wildcards) gives the chart its roles — the first role listed is its primary role —
and the product it deploys (charts of one product, e.g. kserve-crd and kserve-resources, are one
choice: alternatives are other products). Specific names come before the wildcards that would
otherwise catch them (`dcgm-exporter` before `*-exporter`). A rule can be limited to one source
repository. Charts no rule matches have no role; they are still found by text search.
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Role:
    id: str
    title: str
    aliases: tuple[str, ...] = ()


ROLES: tuple[Role, ...] = (
    Role("inference-server", "Model inference server", ("inference", "serving engine", "llm server", "model server")),
    Role("model-serving-platform", "Model serving platform", ("model serving", "serving platform", "mlops serving")),
    Role("llm-gateway", "LLM router / gateway", ("llm router", "llm gateway", "llm-router/gateway", "ai gateway", "model router")),
    Role("api-gateway", "API gateway / ingress", ("ingress", "api-gateway/ingress", "ingress controller", "gateway", "load balancer")),
    Role("vector-db", "Vector database", ("vector database", "vector db", "vector store", "embeddings store", "vectordb")),
    Role("object-storage", "Object storage (S3)", ("object storage", "s3", "blob storage", "object store")),
    Role("database", "Database", ("sql", "relational database", "postgres", "nosql")),
    Role("cache", "Cache / key-value store", ("key value store", "key value", "kv store", "in memory cache")),
    Role("messaging", "Messaging / streaming", ("queue", "streaming", "event bus", "pubsub", "message broker")),
    Role("workflow-pipelines", "Workflows / pipelines", ("pipelines", "workflow", "orchestration", "etl", "dag")),
    Role("experiment-tracking", "Experiment tracking / model registry", ("model registry", "experiments", "tracking")),
    Role("notebooks", "Notebooks", ("jupyter", "notebook")),
    Role("distributed-compute", "Distributed compute (Ray / Spark / Dask)", ("ray", "spark", "dask", "compute cluster")),
    Role("training-operator", "Training operator", ("distributed training", "training", "batch scheduler")),
    Role("gpu-operator", "GPU operator / device plugin", ("gpu", "gpu operator", "device plugin")),
    Role("metrics", "Metrics / monitoring", ("monitoring", "prometheus", "alerting")),
    Role("dashboards", "Dashboards", ("visualization", "grafana", "ui dashboards")),
    Role("logs", "Log collection / storage", ("logging", "log aggregation")),
    Role("tracing", "Distributed tracing", ("traces", "apm", "opentelemetry")),
    Role("llm-observability", "LLM observability", ("llm tracing", "prompt tracing", "llm analytics")),
    Role("ci-cd", "CI/CD / GitOps", ("gitops", "ci-cd/gitops", "cicd", "continuous delivery", "continuous integration", "registry")),
    Role("secrets", "Secrets management", ("secret", "vault", "kms")),
    Role("certificates", "TLS certificates", ("tls", "cert", "pki")),
    Role("autoscaling", "Autoscaling", ("scale to zero", "event-driven autoscaling", "hpa")),
    Role("identity", "Identity / SSO", ("sso", "oidc", "auth", "authentication", "iam")),
    Role("chat-ui", "Chat user interface", ("chat ui", "chatbot ui", "web ui")),
)
ROLE_IDS: tuple[str, ...] = tuple(role.id for role in ROLES)


@dataclass(frozen=True)
class RoleRule:
    pattern: str
    roles: tuple[str, ...]
    product: str
    repository: str | None = None  # only charts of this source repository


def _r(pattern: str, roles: str, product: str, repository: str | None = None) -> RoleRule:
    return RoleRule(pattern, tuple(roles.split()), product, repository)


# fmt: off
ROLE_RULES: tuple[RoleRule, ...] = (
    # -- excluded: helper and CRD-only charts are parts of a product, never a choice of their own
    _r("common", "", "Bitnami common library"),
    _r("*-crds", "", "CRDs"),
    _r("*-crd", "", "CRDs"),
    _r("*-crd-minimal", "", "CRDs"),
    _r("*-mcp", "", "MCP server"),
    _r("mcp-*", "", "MCP server"),
    # -- exporters feed metrics whatever they export from (before the database rules that share names)
    _r("dcgm-exporter", "gpu-operator metrics", "NVIDIA DCGM exporter"),
    _r("*-exporter", "metrics", "Prometheus exporter"),
    # -- AI serving
    _r("vllm-stack", "inference-server llm-gateway", "vLLM production stack"),
    _r("vllm*", "inference-server", "vLLM"),
    _r("triton*", "inference-server", "NVIDIA Triton"),
    _r("ollama*", "inference-server", "Ollama"),
    _r("tei", "inference-server", "Text Embeddings Inference"),
    _r("text-embeddings-inference", "inference-server", "Text Embeddings Inference"),
    _r("text-generation-inference", "inference-server", "Text Generation Inference"),
    _r("localai", "inference-server", "LocalAI"),
    _r("llama*cpp*", "inference-server", "llama.cpp"),
    _r("tensorflow-serving", "inference-server", "TensorFlow Serving"),
    _r("tensorflow-resnet", "", "TensorFlow Serving demo"),
    _r("tensorflow-inception", "", "TensorFlow Serving demo"),
    _r("torchserve", "inference-server", "TorchServe"),
    _r("kserve-resources", "model-serving-platform", "KServe"),
    _r("kserve-models-web-app*", "model-serving-platform", "KServe"),
    _r("kserve*", "model-serving-platform", "KServe"),
    _r("llmisvc*", "model-serving-platform", "KServe"),
    _r("seldon*", "model-serving-platform", "Seldon Core"),
    _r("bentoml*", "model-serving-platform", "BentoML"),
    _r("yatai*", "model-serving-platform", "BentoML"),
    _r("litellm*", "llm-gateway", "LiteLLM"),
    _r("*llm-router*", "llm-gateway", "LLM router"),
    _r("*ai-gateway*", "llm-gateway api-gateway", "AI gateway"),
    _r("open-webui", "chat-ui", "Open WebUI"),
    _r("pipelines", "chat-ui", "Open WebUI", "open-webui/helm-charts"),
    _r("lmstack", "chat-ui", "LMStack"),
    # -- data stores
    _r("milvus*", "vector-db", "Milvus"),
    _r("qdrant*", "vector-db", "Qdrant"),
    _r("weaviate*", "vector-db", "Weaviate"),
    _r("chroma*", "vector-db", "Chroma"),
    _r("pgvector*", "vector-db database", "pgvector"),
    _r("vespa*", "vector-db", "Vespa"),
    _r("elasticsearch*", "vector-db logs", "Elasticsearch"),
    _r("opensearch-dashboards", "dashboards logs", "OpenSearch Dashboards"),
    _r("opensearch*", "vector-db logs", "OpenSearch"),
    _r("solr", "database", "Apache Solr"),
    _r("minio", "object-storage", "MinIO"),
    _r("minio-operator", "object-storage", "MinIO"),
    _r("minio*", "object-storage", "MinIO"),
    _r("operator", "object-storage", "MinIO", "minio/operator"),
    _r("tenant", "object-storage", "MinIO", "minio/operator"),
    _r("seaweedfs", "object-storage", "SeaweedFS"),
    _r("rook-ceph*", "object-storage", "Rook Ceph"),
    _r("swift", "object-storage", "OpenStack Swift"),
    _r("cloudnative-pg", "database", "CloudNativePG"),
    _r("cluster", "database", "CloudNativePG", "cloudnative-pg/charts"),
    _r("cnpg-sandbox", "database", "CloudNativePG"),
    _r("plugin-barman-cloud", "database", "CloudNativePG"),
    _r("postgres*", "database", "PostgreSQL"),
    _r("patroni", "database", "PostgreSQL"),
    _r("stolon", "database", "PostgreSQL"),
    _r("mysql*", "database", "MySQL"),
    _r("mariadb*", "database", "MariaDB"),
    _r("percona*", "database", "Percona"),
    _r("mongodb", "database", "MongoDB"),
    _r("mongodb-kubernetes", "database", "MongoDB", "mongodb/helm-charts"),
    _r("*mongodb*", "database", "MongoDB"),
    _r("community-operator", "database", "MongoDB", "mongodb/helm-charts"),
    _r("enterprise-*", "database", "MongoDB", "mongodb/helm-charts"),
    _r("atlas-*", "database", "MongoDB", "mongodb/helm-charts"),
    _r("cassandra", "database", "Apache Cassandra"),
    _r("scylladb", "database", "ScyllaDB"),
    _r("clickhouse*", "database", "ClickHouse"),
    _r("cockroachdb", "database", "CockroachDB"),
    _r("couchdb", "database", "CouchDB"),
    _r("neo4j", "database", "Neo4j"),
    _r("janusgraph", "database", "JanusGraph"),
    _r("kube-arangodb", "database", "ArangoDB"),
    _r("influxdb*", "database metrics", "InfluxDB"),
    _r("etcd*", "database", "etcd"),
    _r("redis*", "cache", "Redis"),
    _r("valkey*", "cache", "Valkey"),
    _r("keydb", "cache", "KeyDB"),
    _r("memcached*", "cache", "Memcached"),
    # -- messaging
    _r("strimzi*", "messaging", "Apache Kafka (Strimzi)"),
    _r("kafka-manager", "messaging", "Kafka tooling"),
    _r("kafka*", "messaging", "Apache Kafka"),
    _r("schema-registry", "messaging", "Schema Registry"),
    _r("zookeeper", "messaging", "Apache ZooKeeper"),
    _r("rabbitmq*", "messaging", "RabbitMQ"),
    _r("nats*", "messaging", "NATS"),
    _r("nack", "messaging", "NATS"),
    _r("stan", "messaging", "NATS"),
    _r("surveyor", "metrics", "NATS"),
    _r("pulsar*", "messaging", "Apache Pulsar"),
    # -- ML platform
    _r("argo-workflows", "workflow-pipelines", "Argo Workflows"),
    _r("argo", "workflow-pipelines", "Argo Workflows", "argoproj/argo-helm"),
    _r("argo-events", "workflow-pipelines", "Argo Events"),
    _r("airflow*", "workflow-pipelines", "Apache Airflow"),
    _r("kubeflow-pipelines", "workflow-pipelines", "Kubeflow Pipelines"),
    _r("prefect*", "workflow-pipelines", "Prefect"),
    _r("dagster*", "workflow-pipelines", "Dagster"),
    _r("flyte*", "workflow-pipelines", "Flyte"),
    _r("n8n", "workflow-pipelines", "n8n"),
    _r("mlflow*", "experiment-tracking", "MLflow"),
    _r("model-registry", "experiment-tracking", "Kubeflow Model Registry"),
    _r("katib", "experiment-tracking training-operator", "Kubeflow Katib"),
    _r("clearml*", "experiment-tracking", "ClearML"),
    _r("wandb*", "experiment-tracking", "Weights & Biases"),
    _r("aim", "experiment-tracking", "Aim"),
    _r("jupyterhub", "notebooks", "JupyterHub"),
    _r("daskhub", "notebooks distributed-compute", "DaskHub"),
    _r("notebook-controller", "notebooks", "Kubeflow Notebooks"),
    _r("tensorflow-notebook", "notebooks", "TensorFlow notebook"),
    _r("zeppelin", "notebooks", "Apache Zeppelin"),
    _r("kuberay*", "distributed-compute model-serving-platform", "KubeRay"),
    _r("ray-cluster", "distributed-compute", "KubeRay"),
    _r("spark-operator", "distributed-compute", "Spark Operator"),
    _r("spark*", "distributed-compute", "Apache Spark"),
    _r("dask", "distributed-compute", "Dask"),
    _r("dask*", "distributed-compute", "Dask"),
    _r("flink*", "distributed-compute", "Apache Flink"),
    _r("training-operator", "training-operator", "Kubeflow Training Operator"),
    _r("pytorch", "training-operator", "PyTorch distributed"),
    _r("deepspeed", "training-operator", "DeepSpeed"),
    _r("mpi-operator", "training-operator", "MPI Operator"),
    _r("volcano", "training-operator", "Volcano"),
    _r("kueue", "training-operator", "Kueue"),
    # -- GPUs
    _r("gpu-operator", "gpu-operator", "NVIDIA GPU Operator"),
    _r("nvidia-device-plugin", "gpu-operator", "NVIDIA device plugin"),
    _r("gpu-feature-discovery", "gpu-operator", "NVIDIA GPU feature discovery"),
    _r("network-operator", "gpu-operator", "NVIDIA Network Operator"),
    _r("amd-gpu*", "gpu-operator", "AMD GPU operator"),
    # -- observability
    _r("langfuse*", "llm-observability", "Langfuse"),
    _r("phoenix", "llm-observability", "Arize Phoenix"),
    _r("helicone*", "llm-observability llm-gateway", "Helicone"),
    _r("openlit*", "llm-observability", "OpenLIT"),
    _r("lgtm-distributed", "metrics logs tracing dashboards", "Grafana LGTM"),
    _r("k8s-monitoring", "metrics logs tracing", "Grafana k8s-monitoring"),
    _r("kube-prometheus-stack", "metrics dashboards", "kube-prometheus-stack"),
    _r("kube-prometheus", "metrics dashboards", "kube-prometheus"),
    _r("victoria-metrics-k8s-stack", "metrics dashboards", "VictoriaMetrics"),
    _r("victoria-logs-single", "logs", "VictoriaLogs"),
    _r("victoria-logs*", "logs", "VictoriaLogs"),
    _r("victoria-traces-single", "tracing", "VictoriaTraces"),
    _r("victoria-traces*", "tracing", "VictoriaTraces"),
    _r("victoria*", "metrics", "VictoriaMetrics"),
    _r("victoriametrics", "metrics", "VictoriaMetrics"),
    _r("grafana-loki", "logs", "Grafana Loki"),
    _r("grafana-tempo", "tracing", "Grafana Tempo"),
    _r("grafana-mimir", "metrics", "Grafana Mimir"),
    _r("grafana-alloy", "metrics logs tracing", "Grafana Alloy"),
    _r("grafana-k6-operator", "", "k6"),
    _r("grafana-agent*", "metrics logs tracing", "Grafana Agent"),
    _r("grafana", "dashboards", "Grafana"),
    _r("grafana-operator", "dashboards", "Grafana Operator"),
    _r("loki*", "logs", "Grafana Loki"),
    _r("promtail", "logs", "Grafana Loki"),
    _r("tempo*", "tracing", "Grafana Tempo"),
    _r("mimir*", "metrics", "Grafana Mimir"),
    _r("alloy*", "metrics logs tracing", "Grafana Alloy"),
    _r("prometheus-adapter", "autoscaling metrics", "Prometheus adapter"),
    _r("prometheus-operator-admission-webhook", "", "Prometheus Operator"),
    _r("prometheus-operator*", "metrics", "Prometheus Operator"),
    _r("prometheus-pushgateway", "metrics", "Prometheus Pushgateway"),
    _r("prom-label-proxy", "", "Prometheus label proxy"),
    _r("prometheus*", "metrics", "Prometheus"),
    _r("alertmanager*", "metrics", "Prometheus Alertmanager"),
    _r("thanos", "metrics", "Thanos"),
    _r("kube-state-metrics", "metrics", "kube-state-metrics"),
    _r("cadvisor", "metrics", "cAdvisor"),
    _r("metrics-server", "autoscaling metrics", "metrics-server"),
    _r("jaeger*", "tracing", "Jaeger"),
    _r("zipkin", "tracing", "Zipkin"),
    _r("opentelemetry-demo", "", "OpenTelemetry demo"),
    _r("opentelemetry-operator", "tracing metrics logs", "OpenTelemetry"),
    _r("opentelemetry-collector", "tracing metrics logs", "OpenTelemetry"),
    _r("opentelemetry*", "tracing metrics logs", "OpenTelemetry"),
    _r("beyla", "tracing metrics", "Grafana Beyla"),
    _r("pyroscope*", "tracing", "Grafana Pyroscope"),
    _r("apm-server", "tracing", "Elastic APM"),
    _r("fluent-bit", "logs", "Fluent Bit"),
    _r("fluentd*", "logs", "Fluentd"),
    _r("logstash", "logs", "Logstash"),
    _r("filebeat", "logs", "Filebeat"),
    _r("metricbeat", "metrics", "Metricbeat"),
    _r("vector", "logs", "Vector"),
    _r("kibana", "dashboards logs", "Kibana"),
    _r("data-prepper", "logs tracing", "OpenSearch Data Prepper"),
    _r("superset", "dashboards", "Apache Superset"),
    # -- delivery
    _r("argo-cd", "ci-cd", "Argo CD"),
    _r("argocd-*", "ci-cd", "Argo CD"),
    _r("argo-rollouts", "ci-cd", "Argo Rollouts"),
    _r("flux*", "ci-cd", "Flux"),
    _r("tekton*", "ci-cd", "Tekton"),
    _r("jenkins*", "ci-cd", "Jenkins"),
    _r("gitlab-runner", "ci-cd", "GitLab Runner"),
    _r("gitea", "ci-cd", "Gitea"),
    _r("drone*", "ci-cd", "Drone"),
    _r("concourse", "ci-cd", "Concourse"),
    _r("spinnaker", "ci-cd", "Spinnaker"),
    _r("keel", "ci-cd", "Keel"),
    _r("harbor", "ci-cd", "Harbor"),
    _r("chainloop", "ci-cd", "Chainloop"),
    # -- security and platform
    _r("vault*", "secrets", "HashiCorp Vault"),
    _r("external-secrets*", "secrets", "External Secrets Operator"),
    _r("sealed-secrets", "secrets", "Sealed Secrets"),
    _r("cert-manager*", "certificates", "cert-manager"),
    _r("trust-manager", "certificates", "cert-manager"),
    _r("keda*", "autoscaling", "KEDA"),
    _r("cluster-autoscaler", "autoscaling", "Cluster Autoscaler"),
    _r("karpenter*", "autoscaling", "Karpenter"),
    _r("keycloak*", "identity", "Keycloak"),
    _r("dex", "identity", "Dex"),
    _r("oauth2-proxy", "identity", "OAuth2 Proxy"),
    _r("pinniped", "identity", "Pinniped"),
    _r("authentik", "identity", "authentik"),
    # -- traffic
    _r("ingress-nginx", "api-gateway", "ingress-nginx"),
    _r("nginx-ingress*", "api-gateway", "NGINX Ingress"),
    _r("kong", "api-gateway", "Kong"),
    _r("kong*", "api-gateway", "Kong"),
    _r("ingress", "api-gateway", "Kong", "Kong/charts"),
    _r("gateway-operator", "api-gateway", "Kong", "Kong/charts"),
    _r("traefik*", "api-gateway", "Traefik"),
    _r("hub-manager", "api-gateway", "Traefik", "traefik/traefik-helm-chart"),
    _r("apisix*", "api-gateway", "Apache APISIX"),
    _r("contour", "api-gateway", "Contour"),
    _r("envoy-gateway", "api-gateway", "Envoy Gateway"),
    _r("haproxy*", "api-gateway", "HAProxy"),
    _r("ambassador", "api-gateway", "Emissary-ingress"),
    _r("emissary*", "api-gateway", "Emissary-ingress"),
    _r("istio*", "api-gateway", "Istio"),
    _r("gloo*", "api-gateway", "Gloo"),
)
# fmt: on

_WORD = re.compile(r"[a-z0-9]+")
_RULE_POSITION: dict[RoleRule, int] = {rule: i for i, rule in enumerate(ROLE_RULES)}
_ROLE_BY_NAME: dict[str, str] = {}
for _role in ROLES:  # keys as split_roles sees text: lower case, words joined by single spaces
    for _name in (_role.id, _role.title, *_role.aliases):
        _ROLE_BY_NAME.setdefault(" ".join(_WORD.findall(_name.lower())), _role.id)


def match_rule(name: str, repository: str | None = None) -> RoleRule | None:
    lowered = name.lower()
    for rule in ROLE_RULES:
        if rule.repository is not None and rule.repository != repository:
            continue
        if fnmatch.fnmatchcase(lowered, rule.pattern):
            return rule
    return None


def roles_for(name: str, repository: str | None = None) -> tuple[tuple[str, ...], str | None, int]:
    """(roles, product, rule position) of a chart; ((), None, len(ROLE_RULES)) when no rule knows it.

    Within one product the rule listed first names its main chart (kserve-resources before kserve-crd).
    """
    rule = match_rule(name, repository)
    return (rule.roles, rule.product, _RULE_POSITION[rule]) if rule else ((), None, len(ROLE_RULES))


def resolve_role(text: str) -> str | None:
    """A role id from its id, title or an alias ("vector database" → vector-db, "ci-cd/gitops" → ci-cd)."""
    return _ROLE_BY_NAME.get(" ".join(_WORD.findall(text.lower())))


def split_roles(text: str) -> tuple[list[str], list[str]]:
    """(roles named in the text, the words left over once the role phrases are taken out)."""
    words = _WORD.findall(text.lower())
    used = [False] * len(words)
    found: list[tuple[int, str]] = []
    for size in (3, 2, 1):  # longest phrase first: "model registry" is not the CI/CD "registry"
        for start in range(len(words) - size + 1):
            if any(used[start:start + size]):
                continue
            role = resolve_role(" ".join(words[start:start + size]))
            if role:
                used[start:start + size] = [True] * size
                if role not in (r for _, r in found):
                    found.append((start, role))
    leftover = [word for word, taken in zip(words, used, strict=True) if not taken]
    return [role for _, role in sorted(found)], leftover


# --- what users call components in a chat --------------------------------------------------------------------------
# Words that name a role in ROLES' aliases but mean something else in a workload description ("8 GPUs", "training
# data", "an API gateway" is kept: it is two words); a role is read from a chat only by its longer names.
_GENERIC_ALIASES = frozenset("""gpu training inference gateway registry sql queue tls cert auth iam secret kms hpa
streaming workflow pipelines tracking experiments notebook s3 etl dag pubsub oidc sso traces apm visualization
ingress postgres spark dask ray prometheus grafana jupyter vault logs metrics cache secrets identity alerting database
certificates autoscaling messaging notebooks""".split()) | {"distributed training", "load balancer", "model serving"}
# Vendor words before a product's own name: "Grafana Loki" is also "Loki", "Apache Kafka" also "Kafka".
_VENDORS = ("Apache ", "Grafana ", "HashiCorp ", "NVIDIA ")
# Product names that are also common words: named in a chat only with their vendor ("Flux" is the image model).
_COMMON_WORD_PRODUCTS = frozenset({"Vector", "Flux", "Drone", "Keel", "Aim", "Dex", "Volcano", "Gloo", "Phoenix",
                                   "Vespa", "CRDs", "Percona", "Concourse", "Contour", "Tempo", "Agent", "Alloy",
                                   "Operator", "Beyla", "Mimir", "Pyroscope", "Tekton", "Thanos", "Kueue", "Harbor"})
# Short everyday names of products the table spells in full.
_PRODUCT_NICKNAMES = {"postgres": "PostgreSQL", "ray": "KubeRay", "jupyter": "JupyterHub",
                      "argocd": "Argo CD", "argo": "Argo Workflows", "tgi":
                      "Text Generation Inference", "wandb": "Weights & Biases", "w&b": "Weights & Biases",
                      "kubeflow": "Kubeflow Pipelines", "otel": "OpenTelemetry", "jupyter notebooks": "JupyterHub"}


def component_vocabulary() -> tuple[tuple[str, str], ...]:
    """(spelling as users write it, component) for every product of ROLE_RULES and every role: a product's spelling
    gives the product's name, a role's title or alias gives the role id. Longest spelling first."""
    vocabulary: dict[str, str] = {}
    for rule in ROLE_RULES:
        if not rule.roles or rule.product in _COMMON_WORD_PRODUCTS:
            continue
        vocabulary.setdefault(rule.product.lower(), rule.product)
        for vendor in _VENDORS:
            if rule.product.startswith(vendor):
                short = rule.product[len(vendor):]
                if short not in _COMMON_WORD_PRODUCTS and len(short) > 3:
                    vocabulary.setdefault(short.lower(), rule.product)
    for nickname, product in _PRODUCT_NICKNAMES.items():
        vocabulary.setdefault(nickname, product)
    for role in ROLES:
        for name in (role.title.lower(), role.id.replace("-", " "), *role.aliases):
            if name not in _GENERIC_ALIASES and len(name) > 3 and "/" not in name:
                vocabulary.setdefault(name, role.id)
    return tuple(sorted(vocabulary.items(), key=lambda item: len(item[0]), reverse=True))


_PRIMARY_ROLE_OF = {rule.product.lower(): rule.roles[0] for rule in reversed(ROLE_RULES) if rule.roles}


def component_role(component: str) -> str | None:
    """The role a component stands for: itself when a role id, else its product's primary role."""
    return component if component in ROLE_IDS else _PRIMARY_ROLE_OF.get(component.lower())
