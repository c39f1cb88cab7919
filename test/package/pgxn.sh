#!/usr/bin/env bash
# The PGXN distribution metadata: META.json against the PGXN Meta Spec
# v1.0.0 (https://pgxn.org/spec/): its required keys and their forms, and
# that it agrees with the extension (version, install script, docfile).
# Prints "ok N - ..." / "not ok N - ..." and ends with "N passed, N failed".
set -u
cd "$(dirname "$0")/../.."
python3 - <<'PY'
import json, os, re, sys

passed = failed = n = 0
def expect(desc, cond, why=""):
    global passed, failed, n
    n += 1
    if cond:
        print("ok %d - %s" % (n, desc)); passed += 1
    else:
        print("not ok %d - %s" % (n, desc)); failed += 1
        if why: print("# " + str(why))

try:
    meta = json.load(open("META.json"))
    expect("META.json is JSON", True)
except Exception as e:
    expect("META.json is JSON", False, e)
    print("%d passed, %d failed" % (passed, failed)); sys.exit(1)

semver = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z-]+)?$")
licenses = {"agpl_3", "apache_1_1", "apache_2_0", "artistic_1", "artistic_2", "bsd", "freebsd",
            "gfdl_1_2", "gfdl_1_3", "gpl_1", "gpl_2", "gpl_3", "lgpl_2_1", "lgpl_3_0", "mit",
            "mozilla_1_0", "mozilla_1_1", "openssl", "perl_5", "postgresql", "qpl_1_0", "ssleay",
            "sun", "zlib", "open_source", "restricted", "unrestricted", "unknown"}

for key in ("name", "abstract", "maintainer", "license", "provides", "version", "meta-spec"):
    expect("required key %r" % key, key in meta)
expect("name: no slash, backslash or control character, 2+ characters",
       isinstance(meta.get("name"), str) and len(meta["name"]) >= 2 and not re.search(r"[/\\\x00-\x1f]", meta["name"]))
expect("version is a semantic version", semver.match(str(meta.get("version", ""))), meta.get("version"))
expect("abstract is a one-line string", isinstance(meta.get("abstract"), str) and "\n" not in meta["abstract"] and meta["abstract"])
m = meta.get("maintainer")
expect("maintainer is a string or a list of strings",
       isinstance(m, str) or (isinstance(m, list) and m and all(isinstance(x, str) and x for x in m)))
lic = meta.get("license")
expect("license is a known PGXN license string (or a map of name -> URL)",
       (isinstance(lic, str) and lic in licenses) or isinstance(lic, dict) or
       (isinstance(lic, list) and all(x in licenses for x in lic)), lic)
ms = meta.get("meta-spec", {})
expect("meta-spec version 1.0.0", ms.get("version") == "1.0.0", ms)
prov = meta.get("provides", {})
expect("provides names at least one extension", isinstance(prov, dict) and len(prov) >= 1)
for ext, p in prov.items():
    expect("provides.%s has file and version" % ext, "file" in p and "version" in p, p)
    expect("provides.%s.version is a semantic version" % ext, semver.match(str(p.get("version", ""))))
    expect("provides.%s.file exists" % ext, os.path.isfile(p.get("file", "")), p.get("file"))
    if "docfile" in p:
        expect("provides.%s.docfile exists" % ext, os.path.isfile(p["docfile"]), p["docfile"])
for phase, rels in meta.get("prereqs", {}).items():
    expect("prereqs phase %r is a PGXN phase" % phase, phase in ("configure", "build", "test", "runtime", "develop"))
    for rel in rels:
        expect("prereqs.%s.%s is a PGXN relationship" % (phase, rel),
               rel in ("requires", "recommends", "suggests", "conflicts"))
if "release_status" in meta:
    expect("release_status is stable, testing or unstable", meta["release_status"] in ("stable", "testing", "unstable"))

# It agrees with the extension itself.
control = open("migration_guard.control").read()
default = re.search(r"default_version\s*=\s*'([^']+)'", control).group(1)
expect("the distribution version is the extension's default_version (%s)" % default, meta.get("version") == default)
expect("provides.migration_guard.version is the default_version",
       prov.get("migration_guard", {}).get("version") == default)
expect("provides.migration_guard.file is the install script of that version",
       prov.get("migration_guard", {}).get("file") == "migration_guard--%s.sql" % default)
cli = open("src/cli/cli_util.hpp").read()
expect("the migration-guard program has the same version",
       ('kVersion = "%s"' % default) in cli)
print("%d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
PY
