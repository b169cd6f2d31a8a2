"""Installing lambda-cd: `cmake --install` lays out the binary, the man page and bash/zsh/fish
completions; `cpack -G DEB` builds a .deb whose Depends name the shared libraries and Node.js, which
installs into a fresh dpkg root (`dpkg --root`) and runs `--version` and the init demo from there;
`--version` names the git commit; `help CMD` equals `CMD --help` and both agree with the README's
command list; the completions offer what the help lists. (A clean Debian 12 root with
`apt install ./lambda-cd_*.deb` is packaging/deb-clean-root.sh, too slow for the suite.)"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "support"))
from lcd_harness import LAMBDA_CD, TestRun  # noqa: E402

SOURCE = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BUILD = os.path.dirname(os.path.abspath(LAMBDA_CD))
COMPLETIONS = os.path.join(SOURCE, "packaging", "completions")


def run(cmd, **kw):
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=kw.pop("timeout", 300), **kw)
    assert r.returncode == 0, f"{' '.join(cmd)} failed ({r.returncode}):\n{r.stdout}\n{r.stderr}"
    return r.stdout


def commands():
    """The subcommands `lambda-cd --help` lists."""
    out, names, on = run([LAMBDA_CD, "--help"]), [], False
    for line in out.splitlines():
        if line.startswith("Subcommands:"):
            on = True
        elif on and re.match(r"^  [a-z]", line):
            names.append(line.split()[0])
        elif on and line and not line.startswith(" "):
            on = False
    assert len(names) > 10, out
    return names


def options_of(*topic):
    return set(re.findall(r"^  (?:-\w,)?(--[a-z-]+)", run([LAMBDA_CD, "help", *topic]), re.M))


def version_names_the_commit():
    out = run([LAMBDA_CD, "--version"]).strip()
    m = re.fullmatch(r"lambda-cd (\d+\.\d+\.\d+) \(git ([0-9a-f]{7,40})(-dirty)?\)", out)
    assert m, out
    head = subprocess.run(["git", "-C", SOURCE, "rev-parse", "HEAD"], capture_output=True, text=True)
    if head.returncode == 0:
        assert head.stdout.startswith(m.group(2)), (out, head.stdout)
    with open(os.path.join(SOURCE, "CMakeLists.txt")) as f:
        assert re.search(r"project\(lambda-cd VERSION " + re.escape(m.group(1)), f.read())


def help_agrees_with_dash_help_and_the_readme():
    with open(os.path.join(SOURCE, "README.md")) as f:
        readme = f.read()
    block = readme.split("## Commands", 1)[1].split("```", 2)[1].strip("\n")
    usage, listing = block.split("\n\n", 1)
    names = commands()
    for option in re.findall(r"--[a-z-]+", usage):
        assert option in options_of(), f"README: global {option} not in --help"
    seen = set()
    current = None  # a continuation line belongs to the command above it
    for line in listing.splitlines():
        for segment in line.split(" | "):
            words = segment.replace("[", " ").replace("(", " ").split()
            if words and words[0] in names:
                current = words[:2] if words[0] == "stack" and len(words) > 1 else words[:1]
                seen.add(words[0])
            for option in re.findall(r"--[a-z-]+", segment):
                assert current, f"README: {option} outside a command in: {line}"
                assert option in options_of(*current), f"README: {' '.join(current)} {option} not in its help"
    for cmd in names:
        assert run([LAMBDA_CD, "help", cmd]) == run([LAMBDA_CD, cmd, "--help"]), cmd
        assert cmd in seen, f"README's command list lacks {cmd}"
    assert seen <= set(names), seen - set(names)


def cmake_install_lays_out_everything():
    prefix = tempfile.mkdtemp(prefix="lcd-install-")
    try:
        run(["cmake", "--install", BUILD, "--prefix", prefix])
        for path in ("bin/lambda-cd", "share/man/man1/lambda-cd.1", "share/bash-completion/completions/lambda-cd",
                     "share/zsh/vendor-completions/_lambda-cd", "share/fish/vendor_completions.d/lambda-cd.fish",
                     "share/doc/lambda-cd/README.md"):
            assert os.path.isfile(os.path.join(prefix, path)), path
        installed = os.path.join(prefix, "bin", "lambda-cd")
        assert run([installed, "--version"]) == run([LAMBDA_CD, "--version"])
        with open(os.path.join(prefix, "share/man/man1/lambda-cd.1")) as f:
            page = f.read()
        assert page.startswith(".TH LAMBDA\\-CD 1")
        for cmd in commands():
            assert f".SS {cmd}\n" in page, f"man page lacks {cmd}"
        if shutil.which("man"):
            text = run(["man", "-l", os.path.join(prefix, "share/man/man1/lambda-cd.1")], env=dict(os.environ, MANWIDTH="100"))
            assert "rollback" in text
    finally:
        shutil.rmtree(prefix, ignore_errors=True)


def completions_offer_what_help_lists():
    env = dict(os.environ, PATH=BUILD + ":" + os.environ.get("PATH", "/usr/bin:/bin"))
    bash = """source %s
complete_words() { COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); _lambda_cd; printf '%%s\\n' "${COMPREPLY[@]}"; }
echo '#top'; complete_words lambda-cd ''
echo '#promote'; complete_words lambda-cd --region eu-west-1 promote --
echo '#stack'; complete_words lambda-cd stack ''
echo '#stackdeploy'; complete_words lambda-cd stack deploy --
echo '#target'; complete_words lambda-cd --target ''
""" % os.path.join(COMPLETIONS, "lambda-cd.bash")
    out = run(["bash", "-c", bash], env=env)
    sections = {s.split("\n", 1)[0]: set(s.split("\n", 1)[1].split()) for s in out.split("#")[1:]}
    assert set(commands()) <= sections["top"], sections["top"]
    assert options_of("promote") <= sections["promote"], sections["promote"]
    assert {"deploy", "delete", "status"} <= sections["stack"]
    assert options_of("stack", "deploy") <= sections["stackdeploy"]
    assert sections["target"] == {"local", "aws"}
    if shutil.which("fish"):
        fish = f"source {COMPLETIONS}/lambda-cd.fish; complete -C 'lambda-cd pipeline --'; echo '#'; complete -C 'lambda-cd '"
        pipeline, top = run(["fish", "-c", fish], env=env).split("#")
        assert options_of("pipeline") <= {line.split("\t")[0] for line in pipeline.split()}, pipeline
        assert set(commands()) <= {line.split("\t")[0] for line in top.split()}, top
    if shutil.which("zsh"):
        run(["zsh", "-n", os.path.join(COMPLETIONS, "_lambda-cd")])


def deb_installs_into_a_fresh_root_and_runs():
    work = tempfile.mkdtemp(prefix="lcd-deb-")
    try:
        run(["cpack", "-G", "DEB", "-B", os.path.join(work, "out"), "--config", os.path.join(BUILD, "CPackConfig.cmake")])
        debs = [f for f in os.listdir(os.path.join(work, "out")) if f.endswith(".deb")]
        assert len(debs) == 1 and re.fullmatch(r"lambda-cd_\d+\.\d+\.\d+_amd64\.deb", debs[0]), debs
        deb = os.path.join(work, "out", debs[0])
        depends = run(["dpkg-deb", "-f", deb, "Depends"])
        for package in ("libc6", "libcurl4", "libsqlite3-0", "libssl3", "libzip4", "libyaml-cpp0.7", "nodejs"):
            assert re.search(r"(^|, )" + re.escape(package) + r"( |,|$)", depends), (package, depends)
        # Every shared library the binary loads comes from a package it depends on (or libc's own).
        libs = re.findall(r"=> (/\S+)", run(["ldd", LAMBDA_CD]))
        owners = set()
        for lib in libs:
            r = subprocess.run(["dpkg", "-S", os.path.realpath(lib)], capture_output=True, text=True)
            if r.returncode != 0:
                r = subprocess.run(["dpkg", "-S", lib], capture_output=True, text=True)
            owners.add(r.stdout.split(":")[0])
        direct = {re.sub(r"\s.*", "", d) for d in depends.split(", ")}
        # Libraries pulled in by our direct dependencies are theirs to declare.
        for package in ("libcurl4", "libsqlite3-0", "libzip4", "libfmt9", "libyaml-cpp0.7"):
            assert package in owners and package in direct, (package, owners, direct)

        # A fresh root holds none of the programs dpkg looks for inside it (ldconfig, start-stop-daemon);
        # --force-bad-path lets it go on to the dependency check this test is about.
        root = os.path.join(work, "root")
        os.makedirs(os.path.join(root, "var/lib/dpkg/info"))
        os.makedirs(os.path.join(root, "var/lib/dpkg/updates"))
        open(os.path.join(root, "var/lib/dpkg/status"), "w").close()
        open(os.path.join(root, "var/lib/dpkg/available"), "w").close()
        r = subprocess.run(["dpkg", "--root", root, "--force-bad-path", "-i", deb], capture_output=True, text=True, timeout=120)
        # The fresh root has none of the dependencies: dpkg must say so, naming them.
        assert r.returncode != 0 and "dependency problems" in r.stderr and "libcurl4" in r.stderr, r.stderr
        run(["dpkg", "--root", root, "--force-bad-path", "--force-depends", "-i", deb])
        status = run(["dpkg", "--root", root, "-s", "lambda-cd"])
        assert "Status: install ok installed" in status, status
        installed = os.path.join(root, "usr", "bin", "lambda-cd")
        assert run([installed, "--version"]) == run([LAMBDA_CD, "--version"])
        # The demo with the packaged binary (host libraries): a new project to PROD on the built-in endpoint.
        env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "LAMBDA_CD"))}
        env.update(HOME=work, AWS_REGION="eu-west-1")
        run([installed, "init", "demo"], cwd=work, env=env)
        project = os.path.join(work, "demo")
        for args in (["stack", "deploy"], ["pipeline", "--build", "1"], ["promote", "PROD", "--build", "1"]):
            run([installed, *args], cwd=project, env=env)
        out = run([installed, "invoke", "--qualifier", "PROD", "--payload", '{"name":"deb"}'], cwd=project, env=env)
        assert '"message":"Hello, deb!"' in out, out
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    t = TestRun()
    for case in (version_names_the_commit, help_agrees_with_dash_help_and_the_readme, cmake_install_lays_out_everything,
                 completions_offer_what_help_lists, deb_installs_into_a_fresh_root_and_runs):
        t.case(case.__name__, case)
    t.finish()
