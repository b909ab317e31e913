"""Network segmentation and TLS as the generated kit builds them, in sentences for security.md: the tiers
and ports from the Terraform layout (or the VM layout), policies and certificates from the kit's files."""

from __future__ import annotations

import re
from collections.abc import Mapping

from launchbay.models.design import Design
from launchbay.renderers import terraform_facts as facts
from launchbay.renderers.terraform_layout import PORTS, layout

SSL_POLICY = re.compile(r'variable "ssl_policy" \{[^}]*?default\s*=\s*"([^"]+)"', re.S)
NETWORK_POLICY = re.compile(r"(?m)^kind:\s*NetworkPolicy\s*$")


def _files(kit: Mapping[str, str], pattern: re.Pattern[str]) -> list[str]:
    return sorted(p for p, t in kit.items() if p.endswith((".yaml", ".yml")) and pattern.search(t))


def _ports(values: list[int]) -> str:
    return ", ".join(str(v) for v in values) or "none"


def network_facts(design: Design, kit: Mapping[str, str]) -> list[str]:
    """One sentence per boundary, from the layout the renderers use."""
    retention = facts.log_retention(design)
    if design.platform == "vm":
        return _vm_network(design, kit)
    lay = layout(design)
    app_ports = sorted({s.plan.port for s in lay.services if s.plan.port is not None})
    data_ports = [f"{PORTS[e]} ({e})" for e in ("postgres", "redis") if getattr(lay, e)]
    out = ["One VPC per environment over two availability zones (`deploy/terraform/modules/network`): public "
           "subnets hold only the load balancer and the NAT gateway(s); services and data stores run in private "
           "subnets with no public address."]
    if lay.http:
        out.append("internet → load balancer: 443 (HTTPS) and 80, which only redirects to HTTPS.")
        out.append(f"load balancer → services: only the services' ports ({_ports(app_ports)}).")
    if lay.data:
        out.append(f"services → data stores: only {', '.join(data_ports)}; nothing else reaches the data tier.")
    if lay.services:
        out.append("services → internet: 443 only, through the NAT gateway(s) (AWS APIs, the image registry, "
                   "external providers); S3 traffic stays on the VPC endpoint.")
    if design.platform == "kubernetes":
        if any(s.http for s in lay.services):
            out.append("internet → Ingress load balancer (created by the AWS Load Balancer Controller in the public "
                       f"subnets) → pods on their ports ({_ports(app_ports)}).")
        out.append("EKS API: private endpoint for the nodes; the public endpoint answers only `admin_cidrs`.")
        policies = _files(kit, NETWORK_POLICY)
        out.append("Pods: NetworkPolicies in " + ", ".join(f"`{p}`" for p in policies) + "." if policies else
                   "Pods: **no NetworkPolicy in this kit** — every pod can reach every other; add default-deny "
                   "policies per namespace.")
    out.append(f"The default security group has no rules; VPC flow logs record all traffic (kept {retention} "
               "days).")
    return out


def _vm_network(design: Design, kit: Mapping[str, str]) -> list[str]:
    from launchbay.renderers.vm_layout import layout as vm_layout

    lay = vm_layout(design)
    web = "80 and 443 (Caddy)" if lay.has_caddy else "nothing (no service listens for HTTP)"
    out = [f"The VM's inbound traffic: {web}."]
    if design.cloud == "aws":
        out.append("Security group of the VM (`deploy/terraform/modules/compute`): no SSH port; administration "
                   "goes through Session Manager.")
    else:
        out.append("Host firewall (`deploy/vm/provision.sh`, ufw): incoming traffic denied by default; port 22 "
                   "only from `SSH_ALLOW_FROM` (default `none`: no SSH at all).")
    out.append("Containers publish no port: services and data stores talk on the Compose network only"
               + (", and Caddy reaches the HTTP services there." if lay.has_caddy else "."))
    return out


def tls_facts(design: Design, kit: Mapping[str, str]) -> list[str]:
    """Where TLS ends and what enforces it."""
    if design.platform == "vm":
        from launchbay.renderers.vm_layout import layout as vm_layout

        if not vm_layout(design).has_caddy:
            return ["Nothing here serves HTTP; outbound calls (APIs, webhooks) use HTTPS."]
        return ["Caddy (`deploy/vm/Caddyfile`) obtains and renews the certificates automatically and redirects "
                "HTTP to HTTPS; the services behind it are reached only on the Compose network."]
    lay = layout(design)
    out = []
    policy = next((m.group(1) for p, t in sorted(kit.items()) if p.endswith("variables.tf")
                   and (m := SSL_POLICY.search(t))), None)
    if lay.http:
        cert = ("an ACM certificate validated through Route 53 (`modules/dns_tls`)" if lay.dns
                else "the ACM certificate you pass as `certificate_arn`")
        out.append(f"Load balancer: HTTPS with {cert}" + (f", TLS policy `{policy}` (TLS 1.2 and 1.3 only)"
                                                           if policy else "")
                   + "; port 80 answers only with a redirect. TLS ends there: the load balancer reaches the "
                   "services over the private network, allowed only from its security group.")
    if design.platform == "kubernetes":
        certs = [p for p, t in sorted(kit.items()) if re.search(r"cert-manager|certificate-arn", t)
                 and p.endswith((".yaml", ".yml"))]
        out.append("Ingress TLS: " + (", ".join(f"`{p}`" for p in certs) if certs else
                                      "**not configured in this kit** — give the Ingress a certificate") + ".")
    if lay.postgres:
        out.append("PostgreSQL: `rds.force_ssl = 1` (clients must use TLS).")
    if lay.redis:
        out.append("Redis: encryption in transit on (clients connect with `rediss://`).")
    out.append("Buckets refuse requests without TLS (`aws:SecureTransport` deny).")
    return out
