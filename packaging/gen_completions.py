#!/usr/bin/env python3
"""Writes bash, zsh and fish completions for reachscan from its own --help output.

usage: gen_completions.py REACHSCAN_BINARY OUT_DIR

The binary's help (CLI11) is the one source of truth: every subcommand and option it lists is
completed, with the choices it prints ({text,json,...}), so the completions cannot drift from the
flags. Writes OUT_DIR/reachscan.bash, OUT_DIR/_reachscan and OUT_DIR/reachscan.fish.
"""
import re
import subprocess
import sys
from pathlib import Path

OPTION = re.compile(r"^  (-[^\s]+)(.*)$")
ENTRY = re.compile(r"^  (\S+)\s{2,}(.*)$")
VALUE_TYPES = ("TEXT", "INT", "UINT", "FLOAT", "SIZE")


def help_of(binary, path):
    out = subprocess.run([binary, *path, "--help"], capture_output=True, text=True, check=True)
    return out.stdout


def parse(text):
    """Options (names, takes a value, choices, description) and subcommands (name, description)."""
    options, subcommands, section = [], [], None
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if line and not line.startswith(" "):
            section = line.rstrip(":")
            continue
        if section == "Options":
            m = OPTION.match(line)
            if not m:
                continue
            names = [n for n in m.group(1).split(",") if n.startswith("-")]
            rest = m.group(2).strip()
            takes = rest.split(":")[0].split("=")[0].split(" ")[0] in VALUE_TYPES
            kind, _, desc = rest.partition("  ") if takes else ("", "", rest)
            choices = re.search(r"\{([^}]*)\}", kind)
            desc = desc.strip()
            if not desc and i + 1 < len(lines) and lines[i + 1].startswith("     "):
                desc = lines[i + 1].strip()
            options.append((names, takes, choices.group(1).split(",") if choices else [],
                            first_sentence(desc)))
        elif section == "Subcommands":
            m = ENTRY.match(line)
            if m:
                subcommands.append((m.group(1), first_sentence(m.group(2))))
    return options, subcommands


def first_sentence(text):
    text = re.sub(r"[\[\]:'`\"$\\]", "", text)
    return text.split(". ")[0].rstrip(".")[:90]


def walk(binary, path=()):
    """Every command path with its parsed help, the root first."""
    options, subcommands = parse(help_of(binary, list(path)))
    yield path, options, subcommands
    for name, _ in subcommands:
        yield from walk(binary, (*path, name))


def bash(commands):
    cases = []
    for path, options, subs in commands:
        words = " ".join([n for o in options for n in o[0] if n.startswith("--")] +
                         [s for s, _ in subs])
        valued = "|".join(n for o in options if o[1] for n in o[0])
        choices = "".join(
            f"      {'|'.join(o[0])}) COMPREPLY=($(compgen -W '{' '.join(o[2])}' -- \"$cur\")); return ;;\n"
            for o in options if o[2])
        cases.append(f"    '{' '.join(path)}')\n      case \"$prev\" in\n{choices}"
                     + (f"      {valued}) COMPREPLY=($(compgen -f -- \"$cur\")); return ;;\n"
                        if valued else "")
                     + f"      esac\n      COMPREPLY=($(compgen -W '{words}' -- \"$cur\"))\n"
                     + ("      ;;\n" if subs else
                        "      [[ $cur == -* ]] || COMPREPLY+=($(compgen -f -- \"$cur\"));;\n"))
    subnames = " ".join(sorted({s for _, _, subs in commands for s, _ in subs}))
    return ("# bash completion for reachscan (generated from `reachscan --help`)\n"
            "_reachscan() {\n"
            "  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]} path='' w\n"
            "  for w in \"${COMP_WORDS[@]:1:COMP_CWORD-1}\"; do\n"
            f"    case \" {subnames} \" in *\" $w \"*) path=\"${{path:+$path }}$w\";; esac\n"
            "  done\n"
            "  case \"$path\" in\n" + "".join(cases) + "  esac\n}\n"
            "complete -F _reachscan reachscan\n")


def zsh_spec(option):
    names, takes, choices, desc = option
    value = f":value:({' '.join(choices)})" if choices else (":value:_files" if takes else "")
    if len(names) == 1:
        return f"'{names[0]}[{desc}]{value}'"
    group = " ".join(names)
    return f"'({group})'{{{','.join(names)}}}'[{desc}]{value}'"


def zsh(commands):
    functions = []
    for path, options, subs in commands:
        name = "_reachscan" + "".join("_" + p.replace("-", "_") for p in path)
        specs = " \\\n    ".join(zsh_spec(o) for o in options)
        if subs:
            described = " ".join(f"'{s}:{d}'" for s, d in subs)
            body = (f"  local -a subs=({described})\n"
                    f"  _arguments -C \\\n    {specs} \\\n    '1: :->sub' '*:: :->args'\n"
                    "  case $state in\n"
                    "    sub) _describe command subs ;;\n"
                    f"    args) local f={name}_${{words[1]//-/_}}; (( $+functions[$f] )) && $f ;;\n"
                    "  esac\n")
        else:
            body = f"  _arguments \\\n    {specs} \\\n    '*:path:_files'\n"
        functions.append(f"{name}() {{\n{body}}}\n")
    return ("#compdef reachscan\n# zsh completion for reachscan (generated from `reachscan --help`)\n"
            + "\n".join(functions) + "\n_reachscan \"$@\"\n")


def fish(commands):
    lines = ["# fish completion for reachscan (generated from `reachscan --help`)",
             "complete -c reachscan -f"]
    for path, options, subs in commands:
        cond = ("__fish_use_subcommand" if not path else
                f"__fish_seen_subcommand_from {path[-1]}")
        for s, d in subs:
            lines.append(f"complete -c reachscan -n '{cond}' -a {s} -d '{d}'")
        for names, takes, choices, desc in options:
            flags = " ".join(f"-l {n[2:]}" if n.startswith("--") else f"-s {n[1:]}"
                             for n in names if len(n) == 2 or n.startswith("--"))
            value = f" -xa '{' '.join(choices)}'" if choices else (" -rF" if takes else "")
            scope = "" if not path else f" -n '{cond}'"
            lines.append(f"complete -c reachscan{scope} {flags}{value} -d '{desc}'")
        if path and not subs:
            lines.append(f"complete -c reachscan -n '{cond}' -F")
    return "\n".join(lines) + "\n"


def main():
    binary, out = sys.argv[1], Path(sys.argv[2])
    out.mkdir(parents=True, exist_ok=True)
    commands = list(walk(binary))
    # Global options are accepted after a subcommand too.
    root = commands[0][1]
    commands = [commands[0]] + [
        (path, options + [o for o in root if o[0][-1] not in {n for x in options for n in x[0]}],
         subs) for path, options, subs in commands[1:]]
    (out / "reachscan.bash").write_text(bash(commands))
    (out / "_reachscan").write_text(zsh(commands))
    (out / "reachscan.fish").write_text(fish(commands))


if __name__ == "__main__":
    main()
