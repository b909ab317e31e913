"""Shell bodies the pipelines run, identical on GitHub Actions and GitLab CI.

Every value reaches these scripts through environment variables (never pasted into the script),
so a branch name or a dispatch input cannot inject commands, and shellcheck sees plain shell.
Secrets are never echoed and never placed on a command line: the SSH key goes to ssh-agent on
stdin, AWS credentials come from OIDC role assumption.
"""

from __future__ import annotations

from launchbay.renderers.ci_yaml import script

STRICT = "set -euo pipefail"


def docker_build(build_args: tuple[str, ...]) -> str:
    """Build IMAGE from DOCKERFILE in CONTEXT; build-time public values come from the environment."""
    lines = [STRICT, 'docker build --file "$DOCKERFILE" --tag "$IMAGE" \\']
    lines += [f"  --build-arg {name} \\" for name in build_args]
    lines.append('  "$CONTEXT"')
    return script(*lines)


def ecr_push() -> str:
    """Push IMAGE as REGISTRY/REPOSITORY:TAG once (tags may be immutable) and print its digest to DIGEST_FILE."""
    return script(
        STRICT,
        'remote="${REGISTRY}/${REPOSITORY}:${TAG}"',
        'if aws ecr describe-images --repository-name "$REPOSITORY" --image-ids "imageTag=${TAG}" \\',
        "  >/dev/null 2>&1; then",
        '  echo "${REPOSITORY}:${TAG} is already in ECR; keeping the pushed image"',
        "else",
        '  docker tag "$IMAGE" "$remote"',
        '  docker push "$remote"',
        "fi",
        'aws ecr describe-images --repository-name "$REPOSITORY" --image-ids "imageTag=${TAG}" \\',
        "  --query 'imageDetails[0].imageDigest' --output text > \"$DIGEST_FILE\"",
        'echo "pushed ${REPOSITORY}@$(cat "$DIGEST_FILE")"',
    )


def ecr_digest() -> str:
    """The digest of REPOSITORY:TAG already in ECR, printed to DIGEST_FILE (used by rollback)."""
    return script(
        STRICT,
        'aws ecr describe-images --repository-name "$REPOSITORY" --image-ids "imageTag=${TAG}" \\',
        "  --query 'imageDetails[0].imageDigest' --output text > \"$DIGEST_FILE\"",
        'echo "${REPOSITORY}:${TAG} is $(cat "$DIGEST_FILE")"',
    )


def ecs_deploy(migrate: bool) -> str:
    """Register the newest revision of SERVICE's task family (Terraform's latest settings) with its
    image set to REGISTRY/REPOSITORY@DIGEST, optionally run MIGRATE as a one-off task of it first,
    then roll the service and wait until it is stable (the deployment circuit breaker rolls a
    failing revision back by itself)."""
    lines = [
        STRICT,
        'repo="${REGISTRY}/${REPOSITORY}"',
        'image="${repo}@${DIGEST}"',
        'current=$(aws ecs describe-services --cluster "$CLUSTER" --services "$SERVICE" \\',
        "  --query 'services[0].taskDefinition' --output text)",
        'family="${current##*/}"',
        'family="${family%:*}"',
        'aws ecs describe-task-definition --task-definition "$family" --query taskDefinition > taskdef.json',
        "container=$(jq -r --arg repo \"$repo\" '",
        "  [.containerDefinitions[] | select(.image | startswith($repo + \":\") or startswith($repo + \"@\"))]",
        "  | .[0].name // empty' taskdef.json)",
        'if [ -z "$container" ]; then',
        '  echo "::error::no container of task family ${family} runs an image from ${repo}"',
        "  exit 1",
        "fi",
        "jq --arg name \"$container\" --arg image \"$image\" '",
        "  .containerDefinitions |= map(if .name == $name then .image = $image else . end)",
        "  | del(.taskDefinitionArn, .revision, .status, .requiresAttributes, .compatibilities,",
        "        .registeredAt, .registeredBy, .deregisteredAt)' taskdef.json > taskdef.next.json",
        "revision=$(aws ecs register-task-definition --cli-input-json file://taskdef.next.json \\",
        "  --query 'taskDefinition.taskDefinitionArn' --output text)",
    ]
    if migrate:
        lines += [
            "network=$(aws ecs describe-services --cluster \"$CLUSTER\" --services \"$SERVICE\" \\",
            "  --query 'services[0].networkConfiguration' --output json)",
            "overrides=$(jq -cn --arg name \"$container\" --arg cmd \"$MIGRATE\" \\",
            "  '{containerOverrides: [{name: $name, command: [\"sh\", \"-c\", $cmd]}]}')",
            'task=$(aws ecs run-task --cluster "$CLUSTER" --task-definition "$revision" --launch-type FARGATE \\',
            '  --network-configuration "$network" --overrides "$overrides" \\',
            "  --query 'tasks[0].taskArn' --output text)",
            'aws ecs wait tasks-stopped --cluster "$CLUSTER" --tasks "$task"',
            'code=$(aws ecs describe-tasks --cluster "$CLUSTER" --tasks "$task" --output text \\',
            '  --query "tasks[0].containers[?name==\'${container}\'].exitCode | [0]")',
            'if [ "$code" != "0" ]; then',
            '  echo "::error::migration task ${task} exited with ${code}; the service was not changed"',
            "  exit 1",
            "fi",
        ]
    lines += [
        'aws ecs update-service --cluster "$CLUSTER" --service "$SERVICE" --task-definition "$revision" >/dev/null',
        'aws ecs wait services-stable --cluster "$CLUSTER" --services "$SERVICE"',
        'echo "${SERVICE} runs ${image} (${revision})"',
    ]
    return script(*lines)


def smoke() -> str:
    """GET BASE_URL + HEALTH_PATH until it answers 2xx/3xx (bounded retries); VARIABLE names the setting."""
    return script(
        STRICT,
        'if [ -z "${BASE_URL:-}" ]; then',
        '  echo "::error::set the CI variable ${VARIABLE} (the public base URL of this service) for this environment"',
        "  exit 1",
        "fi",
        'url="${BASE_URL%/}${HEALTH_PATH}"',
        'curl --fail --silent --show-error --location --output /dev/null --max-time 10 \\',
        '  --retry 12 --retry-delay 5 --retry-all-errors "$url"',
        'echo "smoke test passed: ${url}"',
    )


def ssh_agent(env_file: str | None, *, key_file: bool = False) -> str:
    """Start ssh-agent on a private socket and load DEPLOY_SSH_KEY from stdin (`key_file`: the
    variable holds the path of a file with the key, as GitLab File variables do); trust only the
    host keys in DEPLOY_SSH_KNOWN_HOSTS (no trust-on-first-use). `env_file` exports the agent to
    later steps."""
    lines = [
        STRICT,
        'if [ -z "${DEPLOY_HOST:-}" ] || [ -z "${DEPLOY_SSH_KNOWN_HOSTS:-}" ]; then',
        '  echo "::error::set the CI variables DEPLOY_HOST and DEPLOY_SSH_KNOWN_HOSTS for this environment"',
        "  exit 1",
        "fi",
        'install -m 700 -d "$HOME/.ssh"',
        "printf '%s\\n' \"$DEPLOY_SSH_KNOWN_HOSTS\" > \"$HOME/.ssh/known_hosts\"",
        'chmod 600 "$HOME/.ssh/known_hosts"',
        'eval "$(ssh-agent -s -a "${AGENT_DIR}/ssh-agent.sock")" >/dev/null',
        "tr -d '\\r' < \"$DEPLOY_SSH_KEY\" | ssh-add - >/dev/null" if key_file
        else "printf '%s\\n' \"$DEPLOY_SSH_KEY\" | ssh-add - >/dev/null",
    ]
    if env_file:
        lines += [
            "{",
            '  echo "SSH_AUTH_SOCK=${SSH_AUTH_SOCK}"',
            '  echo "SSH_AGENT_PID=${SSH_AGENT_PID}"',
            f'}} >> "{env_file}"',
        ]
    return script(*lines)


def vm_deploy() -> str:
    """Run the host's deploy.sh (APP_DIR/deploy.sh, the vm kit) for image tag VERSION over SSH; with
    NO_MIGRATE=1 (rollback) it skips migrations. VERSION and APP_DIR are checked first, so they are
    safe inside the remote command."""
    return script(
        STRICT,
        'case "$VERSION" in',
        '  "" | *[!A-Za-z0-9_.-]*) echo "::error::the version must be an image tag ([A-Za-z0-9_.-])"; exit 1 ;;',
        "esac",
        'case "$APP_DIR" in',
        '  /*) ;;',
        '  *) echo "::error::DEPLOY_PATH must be an absolute path"; exit 1 ;;',
        "esac",
        'case "$APP_DIR" in',
        '  *[!A-Za-z0-9._/-]*) echo "::error::DEPLOY_PATH may hold only letters, digits, . _ / -"; exit 1 ;;',
        "esac",
        'flags=""',
        'if [ "${NO_MIGRATE:-0}" = "1" ]; then flags="--no-migrate"; fi',
        "# The remote command is built from the values checked above (expanded here on purpose).",
        "# shellcheck disable=SC2029",
        'ssh -o BatchMode=yes -o StrictHostKeyChecking=yes -o ConnectTimeout=20 "${DEPLOY_USER}@${DEPLOY_HOST}" \\',
        '  "\'${APP_DIR}/deploy.sh\' ${flags} ${VERSION}"',
        'echo "${DEPLOY_HOST} runs ${VERSION}"',
    )


def registry_push() -> str:
    """Push IMAGE as REGISTRY/NAME:TAG to the git host's registry (the VM pulls it from there)."""
    return script(
        STRICT,
        "registry=$(printf '%s' \"$REGISTRY\" | tr '[:upper:]' '[:lower:]')",
        'remote="${registry}/${NAME}:${TAG}"',
        'docker tag "$IMAGE" "$remote"',
        'docker push "$remote"',
        'echo "pushed ${remote}"',
    )


def helm_deploy() -> str:
    """Upgrade RELEASE from CHART with the environment's values and the image tag; --atomic rolls a
    failed upgrade back by itself."""
    return script(
        STRICT,
        'aws eks update-kubeconfig --name "$EKS_CLUSTER" --region "$AWS_REGION" >/dev/null',
        'helm upgrade --install "$RELEASE" "$CHART" --namespace "$NAMESPACE" --create-namespace \\',
        '  --values "${CHART}/values-${ENVIRONMENT}.yaml" \\',
        '  --set-string "image.repository=${REGISTRY}/${REPOSITORY}" --set-string "image.tag=${TAG}" \\',
        "  --atomic --wait --timeout 10m",
    )


def static_deploy() -> str:
    """Upload the built site to BUCKET and invalidate the CDN cache."""
    return script(
        STRICT,
        'if [ -z "${BUCKET:-}" ] || [ -z "${DISTRIBUTION_ID:-}" ]; then',
        '  echo "::error::set the CI variables ${BUCKET_VARIABLE} and ${DISTRIBUTION_VARIABLE} for this environment"',
        "  exit 1",
        "fi",
        'aws s3 sync "$SITE_DIR" "s3://${BUCKET}" --delete',
        'aws cloudfront create-invalidation --distribution-id "$DISTRIBUTION_ID" --paths "/*" >/dev/null',
    )
