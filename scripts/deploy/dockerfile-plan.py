#!/usr/bin/env python3
"""Reads the Dockerfile and prints, as bash assignments, what scripts/deploy/check-runtime-image.sh needs to
rebuild its runtime stage without Docker, so the check and the image cannot drift:

    BUILD_COMMAND   the `swift build ...` command of the build stage's RUN
    RUNTIME_BASE    the runtime stage's FROM image
    RUNTIME_RUNS    every RUN of the runtime stage, verbatim (run with /bin/sh -c, as Docker does)
    RUNTIME_PACKAGES the packages its `apt-get install` lines name (for the report)
    RUNTIME_COPIES  every COPY as "from|source|destination|chown" (from is empty for the context)
    RUNTIME_USER, RUNTIME_ENV (KEY=VALUE...), RUNTIME_EXPOSE, RUNTIME_STOPSIGNAL,
    RUNTIME_HEALTHCHECK (exec-form argv), RUNTIME_HEALTHCHECK_OPTIONS, RUNTIME_ENTRYPOINT (argv)

    scripts/deploy/dockerfile-plan.py [Dockerfile]      eval "$(scripts/deploy/dockerfile-plan.py)"

Only the instructions this project's Dockerfile uses are understood; anything else in the runtime
stage is an error, so a new instruction cannot be silently skipped by the check.
"""
import json
import re
import shlex
import sys


def instructions(text):
    """(keyword, argument) pairs: comments dropped, backslash continuations joined."""
    out, current = [], ""
    for line in text.splitlines():
        stripped = line.strip()
        if not current and (not stripped or stripped.startswith("#")):
            continue
        if current and stripped.startswith("#"):
            continue  # comment lines inside a continued instruction
        if stripped.endswith("\\"):
            current += stripped[:-1] + " "
            continue
        current += stripped
        keyword, _, argument = current.partition(" ")
        out.append((keyword.upper(), argument.strip()))
        current = ""
    return out


def stages(pairs):
    result = []
    for keyword, argument in pairs:
        if keyword == "FROM":
            words = argument.split()
            result.append({"image": words[0], "name": words[2] if len(words) > 2 and words[1].upper() == "AS" else None, "steps": []})
        elif result:
            result[-1]["steps"].append((keyword, argument))
        elif keyword != "ARG":
            raise SystemExit(f"dockerfile-plan: {keyword} before FROM")
    return result


def flags_and_words(argument):
    words = shlex.split(argument)
    flags = {}
    while words and words[0].startswith("--"):
        key, _, value = words.pop(0)[2:].partition("=")
        flags[key] = value
    return flags, words


def env_pairs(argument):
    words = shlex.split(argument)
    if words and "=" not in words[0]:  # legacy `ENV KEY value`
        return [f"{words[0]}={' '.join(words[1:])}"]
    return words


def apt_packages(command):
    packages = []
    for part in re.split(r"&&|;|\|\|", command):
        words = shlex.split(part)
        if "apt-get" in words and "install" in words:
            packages += [w for w in words[words.index("install") + 1:] if not w.startswith("-")]
    return packages


def bash_array(name, values):
    return f"{name}=({' '.join(shlex.quote(v) for v in values)})"


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else "Dockerfile"
    all_stages = stages(instructions(open(path).read()))
    if len(all_stages) < 2:
        raise SystemExit("dockerfile-plan: expected a build stage and a runtime stage")
    build, runtime = all_stages[0], all_stages[-1]

    build_command = None
    for keyword, argument in build["steps"]:
        if keyword == "RUN" and "swift build" in argument:
            build_command = next(p.strip() for p in argument.split("&&") if "swift build" in p)
    if not build_command:
        raise SystemExit("dockerfile-plan: no `swift build` RUN in the build stage")

    runs, copies, env, packages = [], [], [], []
    user = expose = stopsignal = None
    healthcheck, healthcheck_options, entrypoint = [], [], []
    for keyword, argument in runtime["steps"]:
        if keyword == "RUN":
            runs.append(argument)
            packages += apt_packages(argument)
        elif keyword == "COPY":
            flags, words = flags_and_words(argument)
            *sources, destination = words
            for source in sources:
                copies.append("|".join([flags.get("from", ""), source, destination, flags.get("chown", "")]))
        elif keyword == "USER":
            user = argument
        elif keyword == "ENV":
            env += env_pairs(argument)
        elif keyword == "EXPOSE":
            expose = argument.split()[0].split("/")[0]
        elif keyword == "STOPSIGNAL":
            stopsignal = argument
        elif keyword == "HEALTHCHECK":
            options, _, command = argument.partition("CMD ")
            healthcheck_options = options.split()
            healthcheck = json.loads(command)  # exec form only
        elif keyword == "ENTRYPOINT":
            entrypoint = json.loads(argument)
        elif keyword not in ("LABEL",):
            raise SystemExit(f"dockerfile-plan: runtime stage instruction {keyword} is not understood by the check")

    print(f"BUILD_COMMAND={shlex.quote(build_command)}")
    print(f"RUNTIME_BASE={shlex.quote(runtime['image'])}")
    print(bash_array("RUNTIME_RUNS", runs))
    print(bash_array("RUNTIME_PACKAGES", packages))
    print(bash_array("RUNTIME_COPIES", copies))
    print(f"RUNTIME_USER={shlex.quote(user or 'root')}")
    print(bash_array("RUNTIME_ENV", env))
    print(f"RUNTIME_EXPOSE={shlex.quote(expose or '')}")
    print(f"RUNTIME_STOPSIGNAL={shlex.quote(stopsignal or 'SIGTERM')}")
    print(bash_array("RUNTIME_HEALTHCHECK", healthcheck))
    print(bash_array("RUNTIME_HEALTHCHECK_OPTIONS", healthcheck_options))
    print(bash_array("RUNTIME_ENTRYPOINT", entrypoint))


if __name__ == "__main__":
    main()
