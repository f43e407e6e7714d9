#!/usr/bin/env python3
"""Fails (exit 1) when a suite ran fewer cases than its floor in .ci/test-floors.

Reads every module's Surefire XML (tests - skipped, summed over modules) and the report files the
floors name. Prints one line per floor; a missing suite counts as 0 cases run.
"""
import glob
import os
import re
import sys
import xml.etree.ElementTree as ET

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ran = {}
for path in glob.glob(os.path.join(root, '*', 'target', 'surefire-reports', 'TEST-*.xml')):
    r = ET.parse(path).getroot()
    name = r.get('name', '').rsplit('.', 1)[-1]
    ran[name] = ran.get(name, 0) + int(r.get('tests', 0)) - int(r.get('skipped', 0))

failed = 0
with open(os.path.join(root, '.ci', 'test-floors')) as floors:
    for lineno, line in enumerate(floors, 1):
        line = line.strip()
        if not line or line.startswith('#'):
            continue
        kind, rest = line.split(None, 1)
        if kind == 'surefire':
            suite, floor = rest.split()
            count, what = ran.get(suite, 0), suite
        elif kind == 'report':
            file, floor, regex = rest.split(None, 2)
            what, count = file, 0
            try:
                with open(os.path.join(root, file)) as f:
                    m = re.search(regex, f.read())
                    count = int(m.group(1)) if m else 0
            except OSError:
                pass
        else:
            print(f"test-floors:{lineno}: unknown kind '{kind}'")
            failed += 1
            continue
        ok = count >= int(floor)
        failed += not ok
        print(f"floor {'ok  ' if ok else 'FAIL'} {what}: {count} run (floor {floor})")
sys.exit(1 if failed else 0)
