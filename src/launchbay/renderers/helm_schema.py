"""values.schema.json of a service's chart: strict (no unknown keys), and complete only with an
environment's values file plus what the pipeline supplies at deploy time (image repository and tag).

Helm checks it on every install, upgrade, lint and template, so a missing environment file, a typo
in a key, a `latest` tag or a wrong env var name fails before anything reaches the cluster.
"""

from __future__ import annotations

from typing import Any

from launchbay.renderers.helm_values import ChartPlan

SCHEMA_DRAFT = "http://json-schema.org/draft-07/schema#"
QUANTITY_CPU = r"^[0-9]+m$"
QUANTITY_MEMORY = r"^[0-9]+Mi$"
NAME = r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"
ENV_NAME = r"^[A-Za-z_][A-Za-z0-9_]*$"


def obj(properties: dict[str, Any], required: list[str] | None = None) -> dict[str, Any]:
    """A closed object: only the listed keys, the required ones present."""
    out: dict[str, Any] = {"type": "object", "additionalProperties": False, "properties": properties}
    if required:
        out["required"] = required
    return out


def string(pattern: str | None = None, min_length: int = 0, **extra: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"type": "string"}
    if min_length:
        out["minLength"] = min_length
    if pattern:
        out["pattern"] = pattern
    out.update(extra)
    return out


def integer(minimum: int = 0, maximum: int | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"type": "integer", "minimum": minimum}
    if maximum is not None:
        out["maximum"] = maximum
    return out


BOOL: dict[str, Any] = {"type": "boolean"}


def _resources() -> dict[str, Any]:
    amount = obj({"cpu": string(QUANTITY_CPU), "memory": string(QUANTITY_MEMORY)}, ["cpu", "memory"])
    return obj({"requests": amount, "limits": amount}, ["requests", "limits"])


def _steps() -> dict[str, Any]:
    step = {
        "oneOf": [
            obj({"setWeight": integer(0, 100)}, ["setWeight"]),
            obj({"pause": obj({"duration": string(r"^[0-9]+[smh]$")})}, ["pause"]),
        ]
    }
    return {"type": "array", "minItems": 1, "items": step}


def values_schema(chart: ChartPlan) -> dict[str, Any]:
    """The schema as data; keys listed in the order the values files use."""
    secrets = list(chart.secrets())
    config = chart.config()
    properties: dict[str, Any] = {
        "environment": string(NAME, 1),
        "partOf": string(NAME, 1),
        "component": string(min_length=1),
        "image": obj({
            "repository": string(r"^[^\s:@]+(:[0-9]+)?(/[^\s:@]+)*$", 1),
            "tag": {**string(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$", 1), "not": {"const": "latest"}},
            "digest": string(r"^(sha256:[a-f0-9]{64})?$"),
            "pullPolicy": {"enum": ["Always", "IfNotPresent"]},
        }, ["repository", "tag", "digest", "pullPolicy"]),
        "port": {"type": ["integer", "null"], "minimum": 1, "maximum": 65535},
        "replicaCount": integer(1),
        "updateStrategy": {"enum": ["RollingUpdate", "Recreate"]},
        "terminationGracePeriodSeconds": integer(1),
        "tmpSizeLimit": string(QUANTITY_MEMORY),
        "securityContext": obj({"runAsUser": integer(1), "runAsGroup": integer(1)}, ["runAsUser", "runAsGroup"]),
        "autoscaling": obj({"enabled": BOOL, "minReplicas": integer(1), "maxReplicas": integer(1),
                            "targetCPUUtilizationPercentage": integer(1, 100)},
                           ["enabled", "minReplicas", "maxReplicas", "targetCPUUtilizationPercentage"]),
        "resources": _resources(),
        "probes": obj({"path": string(r"^/", 1), "periodSeconds": integer(1), "timeoutSeconds": integer(1),
                       "failureThreshold": integer(1), "startupFailureThreshold": integer(1)},
                      ["path", "periodSeconds", "timeoutSeconds", "failureThreshold", "startupFailureThreshold"]),
        "rollout": obj({
            "strategy": {"enum": ["none", "blueGreen", "canary"]},
            "autoPromotionEnabled": BOOL,
            "scaleDownDelaySeconds": integer(0),
            "steps": _steps(),
            "analysis": obj({"enabled": BOOL, "maxErrorRatio": string(r"^[0-9]+(\.[0-9]+)?$", 1),
                             "prometheusAddress": string(r"^https?://", 1), "window": string(r"^[0-9]+[smh]$"),
                             "interval": string(r"^[0-9]+[smh]$"), "failureLimit": integer(0)},
                            ["enabled", "maxErrorRatio", "prometheusAddress", "window", "interval",
                             "failureLimit"]),
        }, ["strategy", "autoPromotionEnabled", "scaleDownDelaySeconds", "steps", "analysis"]),
        "ingress": {
            **obj({"enabled": BOOL, "className": string(min_length=1), "clusterIssuer": string(min_length=1),
                   "host": string(r"^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$", 1)},
                  ["enabled", "className", "clusterIssuer"]),
            # An enabled Ingress needs its host: the environment file carries it.
            "if": {"properties": {"enabled": {"const": True}}},
            "then": {"required": ["host"]},
        },
        "serviceAccount": obj({"name": string(NAME, 1), "roleName": string(min_length=1),
                               "roleArn": string(r"^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$")},
                              ["name", "roleName"]),
        "externalSecrets": obj({
            "region": string(r"^[a-z]{2}(-gov)?-[a-z]+-[0-9]$", 1),
            "refreshInterval": string(r"^[0-9]+[smh]$", 1),
            "pathPrefix": string(min_length=1),
            "keys": {"type": "array", "uniqueItems": True,
                     "items": {"enum": secrets} if secrets else string(ENV_NAME)},
        }, ["region", "refreshInterval", "keys", *(["pathPrefix"] if secrets else [])]),
        # Exactly the plain variables the service reads: a misspelt or missing name fails the install.
        "config": obj({name: {"type": "string"} for name in config}, list(config)),
        "migration": obj({"enabled": BOOL, "command": {"type": "array", "items": {"type": "string"}},
                          "backoffLimit": integer(0), "activeDeadlineSeconds": integer(1)},
                         ["enabled", "command", "backoffLimit", "activeDeadlineSeconds"]),
        "networkPolicy": obj({
            "ingressControllerNamespace": string(NAME, 1), "monitoringNamespace": string(NAME),
            "dnsNamespace": string(NAME, 1),
            "vpcCidr": string(r"^[0-9]{1,3}(\.[0-9]{1,3}){3}/[0-9]{1,2}$", 1),
            "dataStorePorts": {"type": "array", "uniqueItems": True, "items": integer(1, 65535)},
            "httpsEgress": BOOL,
            "chainEgress": {"type": "array", "items": obj({
                "podLabels": {"type": "object", "minProperties": 1, "additionalProperties": string(min_length=1)},
                "ports": {"type": "array", "minItems": 1, "uniqueItems": True, "items": integer(1, 65535)},
            }, ["podLabels", "ports"])},
        }, ["ingressControllerNamespace", "monitoringNamespace", "dnsNamespace", "vpcCidr", "dataStorePorts",
            "httpsEgress", "chainEgress"]),
        "podDisruptionBudget": obj({"maxUnavailable": integer(1)}, ["maxUnavailable"]),
        "persistence": {
            **obj({"enabled": BOOL, "mountPath": string(r"^/", 1), "storageClassName": string(),
                   "size": string(r"^[0-9]+Gi$", 1)}, ["enabled", "mountPath", "storageClassName"]),
            "if": {"properties": {"enabled": {"const": True}}},
            "then": {"required": ["size"]},
        },
        "scannerSkips": obj({"checkov": {"type": "array", "items": obj(
            {"id": string(r"^CKV2?_K8S_[0-9]+$", 1), "reason": string(r"^[^=]+$", 10)}, ["id", "reason"])}},
            ["checkov"]),
    }
    return {
        "$schema": SCHEMA_DRAFT,
        "title": f"values of the {chart.key} chart",
        "type": "object",
        "additionalProperties": False,
        "required": [k for k in properties if k != "port" or chart.plan.port is not None],
        "properties": properties,
    }
