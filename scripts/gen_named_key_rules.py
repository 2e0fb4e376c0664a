#!/usr/bin/env python3
"""Writes the long-tail named-key rules and their corpus fixture from patterns/named/providers.txt.

Each provider there becomes one rule family: its name (one of the forms listed), later on its line
a key word where the name is an ordinary word, a separator (=, :, quote, dash, dot, a line break
with an indented `key:`), then a token-shaped value of 16 or more letters, digits, '_' or '-' that
holds a letter and three digits. Examples and fixture values are random (seeded per provider), never real.

    scripts/gen_named_key_rules.py          # rewrites the generated files in place
"""
import os
import random
import re
import string
import sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..')
TABLE = os.path.join(ROOT, 'patterns', 'named', 'providers.txt')
RULES = os.path.join(ROOT, 'patterns', 'rules', 'named_keys_{}.yaml')
FIXTURE = os.path.join(ROOT, 'corpus', 'files', 'coverage', 'named-keys')
TRUTH = os.path.join(ROOT, 'corpus', 'truth', 'named_keys.tsv')

KEY_WORDS = 'key|token|secret|pass|pwd|auth|credential|private|access'
MID_LOOSE = r'[a-z_. \t-]*'
MID_STRICT = r'[a-z_. \t-]*(?:' + KEY_WORDS + r')[a-z_. \t-]*'
SEP = (r'(?:[ \t"\x27\x60(:=>,.-]+|[ \t"\x27\x60:=,]*\r?\n[ \t]*(?:-[ \t]*)?'
       r'(?:[a-z0-9_.-]+[ \t]*[:=][ \t"\x27\x60]*)?)')
# NOTE: unbounded repeats, not {0,30}: a bounded repeat costs Hyperscan NFA states in each of
# these hundreds of patterns (compile time 3x); a match still fits the rule's max_length.
VALUE = r'([a-z0-9][a-z0-9_-]{15}[a-z0-9_-]*)(?:[^a-z0-9_-]|$)'
# Values that are words joined by '-' or '_', each with at most two digits after it, or short
# numbers (client-library-v2, a package or host name), values with fewer than three digits (a
# camelCase member such as ipv4MappedIPv6Enabled after `ipStackCaps.`) or without a letter are no keys.
NOT_KEYS = [r'^[^0-9]*(?:[0-9][^0-9]*){0,2}$', r'^[^A-Za-z]+$', r'^(?:[A-Za-z]+[0-9]{0,2}|[0-9]{1,4})(?:[_-](?:[A-Za-z]+[0-9]{0,2}|[0-9]{1,4}))*$']
GROUPS = [('a-c', 'abc'), ('d-l', 'defghijkl'), ('m-r', 'mnopqr'), ('s-z', 'stuvwxyz0123456789')]


def providers():
    for line in open(TABLE, encoding='utf-8'):
        if line.startswith('#') or not line.strip():
            continue
        family, name, forms, flags, site = [f.strip() for f in line.split(' | ')]
        # n: the family has an `.api_key` rule of its own already
        rid = family + ('.named_key' if 'n' in flags else '.api_key')
        yield rid, name, forms, 's' in flags, site


def sample_name(forms):
    first = forms.split('|')[0]
    return re.sub(r'\[_\. -\]\?', '', re.sub(r'\[_\. -\](?!\?)', '_', first))


def keywords(forms):
    """The literal start of each name form (what any match of it contains), without repeats."""
    out = []
    for f in forms.split('|'):
        k = f.split('[')[0]
        if k not in out:
            out.append(k)
    return out


def token(rng, kind):
    if kind == 'hex':
        return ''.join(rng.choice('0123456789abcdef') for _ in range(32))
    if kind == 'uuid':
        h = token(rng, 'hex')
        return '-'.join((h[:8], h[8:12], '4' + h[13:16], 'a' + h[17:20], h[20:32]))
    while True:
        t = ''.join(rng.choice(string.ascii_letters + string.digits) for _ in range(40))
        if len(re.findall('[0-9]', t)) >= 3 and re.search('[A-Za-z]', t):
            return t


def q(s):
    return "'" + s.replace("'", "''") + "'"


def rule(rid, name, forms, strict, site, rng):
    family = rid.split('.')[0]
    s = sample_name(forms)
    pattern = ('(?im)(?:^|[^a-z0-9])(?:' + forms + ')' + (MID_STRICT if strict else MID_LOOSE) + SEP +
               VALUE)
    examples = [s.upper() + '_API_KEY=' + token(rng, 'hex'),
                s + ('_auth' if strict else '') + ':\n  api_token: "' + token(rng, 'alnum') + '"',
                s + ' access token: ' + token(rng, 'uuid')]
    negatives = [s.upper() + '_API_KEY=${' + s.upper() + '_API_KEY}',
                 s + '_api_key = "' + ''.join(rng.choice(string.ascii_letters) for _ in range(32)) + '"',
                 s + '_api_key = "python-client-library-v2"']
    if strict:
        negatives.append(s + ' = "' + token(rng, 'hex') + '"')
    lines = ['- id: ' + rid,
             '  name: ' + q(name + ' API key (named)'),
             '  pattern: ' + q(pattern),
             '  keywords: [' + ', '.join(q(k) for k in keywords(forms)) + ']',
             '  min_entropy: 3.0',
             '  confidence: medium',
             '  tags: [long-tail, named-key, ' + family + ']',
             '  references:',
             '    - ' + q('https://' + site),
             '  allowlists:',
             '    - regex_target: secret',
             '      regexes: [' + ', '.join(q(r) for r in NOT_KEYS) + ']',
             '  examples:']
    lines += ['    - ' + q(e).replace('\n', '\\n') if '\n' not in e else '    - "' +
              e.replace('\\', '\\\\').replace('"', '\\"').replace('\n', '\\n') + '"' for e in examples]
    lines.append('  negative_examples:')
    lines += ['    - ' + q(n) for n in negatives]
    return '\n'.join(lines) + '\n'


HEADER = ('# Long-tail API keys without a distinctive prefix, one family per provider: found only where\n'
          '# the provider\'s name, a key word where the name is an ordinary word, and a token-shaped value\n'
          '# stand together. GENERATED by scripts/gen_named_key_rules.py from patterns/named/providers.txt:\n'
          '# edit the table and rerun it. Example values are random; none is a real credential.\n\n')


def main():
    table = list(providers())
    for tag, letters in GROUPS:
        text = HEADER
        for rid, name, forms, strict, site in table:
            if rid[0] in letters:
                text += rule(rid, name, forms, strict, site, random.Random(rid.split('.')[0])) + '\n'
        open(RULES.format(tag.replace('-', '_')), 'w', encoding='utf-8').write(text.rstrip('\n') + '\n')
    write_fixture(table)


def write_fixture(table):
    """One realistic file per shape: a .env, a YAML settings tree and a Python settings module."""
    os.makedirs(FIXTURE, exist_ok=True)
    env, yml, py, truth = [], ['integrations:'], ['import os', ''], []
    for i, (rid, name, forms, strict, site) in enumerate(table):
        rng = random.Random('fixture:' + rid.split('.')[0])
        s = sample_name(forms)
        if i % 3 == 0:
            env.append('# ' + name)
            env.append(s.upper() + '_API_KEY=' + token(rng, 'hex'))
            truth.append(('coverage/named-keys/.env.production', len(env), rid))
        elif i % 3 == 1:
            if strict:
                yml.append('  ' + s.lower() + '_api_token: "' + token(rng, 'alnum') + '"')
                truth.append(('coverage/named-keys/config/integrations.yaml', len(yml), rid))
            else:
                yml.append('  ' + s.lower() + ':')
                yml.append('    api_token: "' + token(rng, 'alnum') + '"')
                truth.append(('coverage/named-keys/config/integrations.yaml', len(yml), rid))
                yml.append('    enabled: true')
        else:
            py.append(s.upper() + '_SECRET_KEY = os.environ.get("' + s.upper() + '_SECRET_KEY", "' +
                      token(rng, 'uuid') + '")')
            truth.append(('coverage/named-keys/app/settings.py', len(py), rid))
    for path, lines in (('.env.production', env), ('config/integrations.yaml', yml),
                        ('app/settings.py', py)):
        full = os.path.join(FIXTURE, path)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        open(full, 'w', encoding='utf-8').write('\n'.join(lines) + '\n')
    with open(TRUTH, 'w', encoding='utf-8') as out:
        out.write('# Ground truth for corpus/files/coverage/named-keys: path<TAB>line<TAB>rule_id\n'
                  '# GENERATED by scripts/gen_named_key_rules.py. All values are random; none is a real\n'
                  '# credential.\n')
        for path, line, rid in truth:
            out.write('%s\t%d\t%s\n' % (path, line, rid))


if __name__ == '__main__':
    sys.exit(main())
