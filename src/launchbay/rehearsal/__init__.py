"""The application rehearsal: the generated VM kit deployed for real on a local Docker engine.

`rehearse(project)` builds the example's images from the generated Dockerfiles over a locally built
Debian base, runs them with the generated compose file, env wiring and Caddyfile on loopback
(`--network host`), runs the smoke tests, then drives the generated `deploy.sh` blue-green switch and a
deliberately broken release while a load generator sends traffic through Caddy, and measures what
the clients saw. Modules: `engine` (a private dockerd), `dockerapi` (the Engine API over its socket),
`base_image` (debootstrap rootfs and the stand-ins for the pinned public images), `adapt` (the
host-network adaptation: addresses and ports only), `hostcompose` (the `docker compose` subset the
generated scripts call), `site` (the VM's directories, secret store and RPC stub), `load`, `rehearse`.
The package imports nothing itself: hostcompose runs once per `docker compose` call the scripts make.
"""
