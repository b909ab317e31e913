"""The `vm` kit: one VM per environment running the app with Docker Compose (+ Caddy), provisioned by
cloud-init, deployed blue-green, with env files built at boot from the secret store and backups on a
timer. Renders only for designs whose platform is `vm`; reads only the Design."""

from __future__ import annotations

from collections.abc import Iterable

from launchbay.errors import LaunchbayError
from launchbay.models.design import Design
from launchbay.models.kit import KitFile
from launchbay.renderers.vm_backup import backup_script
from launchbay.renderers.vm_compose import caddyfile, compose_file, environment_files
from launchbay.renderers.vm_deploy import deploy_script, rollback_script
from launchbay.renderers.vm_env import env_examples, render_env_script
from launchbay.renderers.vm_layout import layout
from launchbay.renderers.vm_provision import provision_script, unit_files
from launchbay.renderers.vm_readme import readme
from launchbay.renderers.vm_stacks import CHAINS_ENV, chain_secrets, stacks_script


class VmRenderer:
    name = "vm"

    def render(self, design: Design) -> Iterable[KitFile]:
        if design.platform != "vm":
            return []
        lay = layout(design)
        if chain_secrets(lay.design) and any(s.name == CHAINS_ENV for s in lay.services):
            raise LaunchbayError(f"a vm service's key {CHAINS_ENV!r} clashes with the chain stack's env file",
                                 hint="rename the component folder; launchbay names containers after it")
        files = [compose_file(lay), *environment_files(lay), deploy_script(lay), rollback_script(lay),
                 render_env_script(lay), provision_script(lay), *unit_files(lay), readme(lay), *env_examples(lay),
                 stacks_script(lay)]
        if lay.has_caddy:
            files.append(caddyfile(lay))
        backup = backup_script(lay)
        if backup is not None:
            files.append(backup)
        return sorted(files, key=lambda f: f.path)
