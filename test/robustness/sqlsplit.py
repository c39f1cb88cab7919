#!/usr/bin/env python3
"""Split psql scripts (PostgreSQL's regression sql files) into statements,
with psql's lexical rules: '...' and E'...' strings, "..." identifiers,
$tag$...$tag$ bodies, -- and nested /* */ comments, parentheses, BEGIN ATOMIC
... END bodies of CREATE FUNCTION/PROCEDURE; a backslash command outside
quotes ends the statement (\\g, \\gset ...) and is dropped, as is the data of
COPY ... FROM STDIN up to its "\\." line.

Used by sweep.sh:
  sqlsplit.py psql-script OUT.sql FILE...
writes a psql script that sends every statement through
migration_guard.plan() and migration_guard.review() one by one, then each
file's statements whole through plan(), review() and report(), each call
preceded by a marker line on stderr ("\\warn @@ file n kind"); prints the
number of statements on stdout.
"""
import os
import re
import sys

IDENT_START = re.compile(r"[A-Za-z_\x80-\uffff]")
DOLLAR = re.compile(r"\$([A-Za-z_\x80-\uffff][A-Za-z_0-9\x80-\uffff]*)?\$")
WORD = re.compile(r"[A-Za-z_\x80-\uffff][A-Za-z_0-9$\x80-\uffff]*")
FUNC_HEAD = re.compile(r"^\s*create\s+(or\s+replace\s+)?(function|procedure)\b", re.I)
COPY_STDIN = re.compile(r"^\s*copy\b.*\bfrom\s+stdin\b", re.I | re.S)


def split(text):
    """Return the statements of a psql script, each with its ';'."""
    out = []
    buf = []
    i, n = 0, len(text)
    paren = 0
    atomic = 0          # BEGIN/CASE ... END depth inside CREATE FUNCTION

    def emit():
        nonlocal buf, paren, atomic
        s = "".join(buf).strip()
        buf = []
        paren = 0
        atomic = 0
        if s and s != ";":
            out.append(s)
        return s

    def skip_copy_data(pos):
        # data lines up to a line "\." (or the end of the file)
        while pos < n:
            eol = text.find("\n", pos)
            line = text[pos:] if eol < 0 else text[pos:eol]
            pos = n if eol < 0 else eol + 1
            if line.rstrip("\r") == "\\.":
                break
        return pos

    while i < n:
        c = text[i]
        if c == "-" and text.startswith("--", i):
            eol = text.find("\n", i)
            eol = n if eol < 0 else eol
            if "".join(buf).strip():
                buf.append(text[i:eol])
            i = eol
            continue
        if c == "/" and text.startswith("/*", i):
            depth, j = 1, i + 2
            while j < n and depth:
                if text.startswith("/*", j):
                    depth += 1; j += 2
                elif text.startswith("*/", j):
                    depth -= 1; j += 2
                else:
                    j += 1
            buf.append(text[i:j]); i = j
            continue
        if c == "'":
            prev = text[i - 1] if i else ""
            prev2 = text[i - 2] if i > 1 else ""
            escape = prev in "eE" and not (prev2.isalnum() or prev2 == "_")
            j = i + 1
            while j < n:
                if escape and text[j] == "\\":
                    j += 2; continue
                if text[j] == "'":
                    if j + 1 < n and text[j + 1] == "'":
                        j += 2; continue
                    break
                j += 1
            buf.append(text[i:j + 1]); i = j + 1
            continue
        if c == '"':
            j = text.find('"', i + 1)
            while j >= 0 and j + 1 < n and text[j + 1] == '"':
                j = text.find('"', j + 2)
            j = n - 1 if j < 0 else j
            buf.append(text[i:j + 1]); i = j + 1
            continue
        if c == "$":
            prev = text[i - 1] if i else ""
            m = DOLLAR.match(text, i)
            if m and not (prev.isalnum() or prev in "_$"):
                tag = m.group(0)
                end = text.find(tag, m.end())
                end = n if end < 0 else end + len(tag)
                buf.append(text[i:end]); i = end
                continue
        if c == "\\":
            # psql meta-command: ends the current statement, runs to end of line
            eol = text.find("\n", i)
            eol = n if eol < 0 else eol
            meta = text[i:eol]
            s = emit()
            i = eol
            if re.match(r"\\copy\b.*\bfrom\s+(stdin|pstdin)\b", meta, re.I):
                i = skip_copy_data(min(n, eol + 1))
            elif s and COPY_STDIN.match(s) and re.match(r"\\(g|gx|gset)\b", meta):
                i = skip_copy_data(min(n, eol + 1))
            continue
        if c == "(":
            paren += 1
        elif c == ")":
            paren = max(0, paren - 1)
        elif IDENT_START.match(c):
            prev = text[i - 1] if i else ""
            m = WORD.match(text, i)
            w = m.group(0)
            if not (prev.isalnum() or prev in "_$") and FUNC_HEAD.match("".join(buf)):
                lw = w.lower()
                if lw in ("begin", "case"):
                    atomic += 1
                elif lw == "end" and atomic > 0:
                    atomic -= 1
            buf.append(w); i = m.end()
            continue
        elif c == ";" and paren == 0 and atomic == 0:
            buf.append(";"); i += 1
            s = emit()
            if COPY_STDIN.match(s):
                eol = text.find("\n", i)
                i = skip_copy_data(n if eol < 0 else eol + 1)
            continue
        buf.append(c); i += 1
    emit()
    return out


def dollar_tag(s):
    k = 0
    while True:
        tag = "$mg%d$" % k if k else "$mg$"
        if tag not in s:
            return tag
        k += 1


def lit(s):
    t = dollar_tag(s)
    return t + s + t


def main():
    if len(sys.argv) < 4 or sys.argv[1] != "psql-script":
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    outpath, files = sys.argv[2], sys.argv[3:]
    total = 0
    with open(outpath, "w", encoding="utf-8") as out:
        out.write("\\set ON_ERROR_STOP off\n\\set VERBOSITY verbose\n\\o /dev/null\n")
        out.write("SET statement_timeout = '30s';\nSET client_min_messages = warning;\n")
        for path in files:
            name = os.path.basename(path)
            with open(path, encoding="utf-8", errors="surrogateescape") as f:
                text = f.read()
            # files that are not UTF-8 (encoding tests): keep them valid text
            text = text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
            stmts = split(text)
            for k, s in enumerate(stmts, 1):
                total += 1
                out.write("\\warn @@ %s %d plan\n" % (name, k))
                out.write("SELECT count(*) FROM migration_guard.plan(%s);\n" % lit(s))
                out.write("\\warn @@ %s %d review\n" % (name, k))
                out.write("SELECT count(*) FROM migration_guard.review(%s);\n" % lit(s))
            whole = "\n".join(stmts)
            for kind, call in (("plan", "SELECT count(*) FROM migration_guard.plan(%s);"),
                               ("review", "SELECT count(*) FROM migration_guard.review(%s);"),
                               ("report", "SELECT length(migration_guard.report(%s, format => 'json'));")):
                out.write("\\warn @@ %s whole %s\n" % (name, kind))
                out.write(call % lit(whole) + "\n")
            out.write("\\warn @@ %s end -\n" % name)
    print(total)


if __name__ == "__main__":
    main()
