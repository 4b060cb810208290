import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConf, globRegExp, get, getAll, objects, ConfParseError } from '../../server/asterisk/conf-parser.ts';
import { parseDialplan, jumpsOf, patternMatches, splitTop } from '../../server/asterisk/dialplan.ts';

test('sections, templates and inheritance: the child sees template lines first, then its own', () => {
  const f = parseConf(`
[base](!)
type=endpoint
allow=ulaw
context=nowhere

[mid](!,base)
allow=alaw   ; a comment
context=mid

[6001](mid)
context=from-phones
`);
  assert.equal(f.sections.length, 3);
  const ep = objects(f, 'endpoint');
  assert.deepEqual(ep.map((s) => s.name), ['6001']);
  assert.equal(get(ep[0], 'context'), 'from-phones');
  assert.deepEqual(getAll(ep[0], 'allow'), ['ulaw', 'alaw']);
  assert.ok(f.sections[1].isTemplate);
  assert.deepEqual(f.sections[2].templates, ['mid']);
});

test('comments: ; to end of line, \\; is a literal semicolon, ;-- --; spans lines', () => {
  const f = parseConf(`[a]
x = 1 ; gone
y = semi\\;colon
;-- block
z = hidden
--; w = after
`);
  const a = f.sections[0];
  assert.equal(get(a, 'x'), '1');
  assert.equal(get(a, 'y'), 'semi;colon');
  assert.equal(get(a, 'z'), undefined);
  assert.equal(get(a, 'w'), 'after');
});

test('#include is parsed in place and may use templates of the parent; a missing one is recorded', () => {
  const f = parseConf('[tpl](!)\ntype=auth\n#include "child.conf"\n#include gone.conf\n#tryinclude maybe.conf\n', 'parent.conf', (n) =>
    n === 'child.conf' ? '[6001-auth](tpl)\npassword=abc\n' : undefined);
  const auth = objects(f, 'auth');
  assert.equal(auth[0].name, '6001-auth');
  assert.equal(auth[0].file, 'child.conf');
  assert.deepEqual(f.directives.map((d) => [d.kind, d.arg, d.found]), [['include', 'child.conf', true], ['include', 'gone.conf', false], ['tryinclude', 'maybe.conf', false]]);
});

test('(+) adds to the earlier section of the same name', () => {
  const f = parseConf('[general]\na=1\n[other]\nb=2\n[general](+)\nc=3\n');
  assert.equal(f.sections.length, 2);
  assert.equal(get(f.sections[0], 'c'), '3');
});

test('syntax errors name the file and line', () => {
  assert.throws(() => parseConf('[a]\nnot a pair\n', 'x.conf'), (e: unknown) => e instanceof ConfParseError && /x\.conf:2/.test(e.message));
  assert.throws(() => parseConf('k=v\n', 'y.conf'), /outside any section/);
  assert.throws(() => parseConf('[a](missing)\n', 'z.conf'), /unknown template missing/);
  assert.throws(() => parseConf('[a]\n;-- never closed\n'), /never closed/);
});

test('dialplan: exten/same, n priorities, labels, include =>, and jump targets', () => {
  const plan = parseDialplan(parseConf(`
[general]
static=yes
[from-web]
include => more
exten => 100,1,NoOp(hi, there)
 same => n,GotoIf($["\${X}" = "a:b"]?other,s,1:fail)
 same => n(fail),Dial(PJSIP/6001&PJSIP/6002,30,i)
exten => _6XXX,1,Gosub(sub,s,1(arg1,arg2))
 same => n,Hangup()
[more]
exten => s,1,Goto(ring,s,1)
`));
  assert.ok(!plan.has('general'));
  const web = plan.get('from-web')!;
  assert.deepEqual(web.includes.map((i) => i.context), ['more']);
  assert.deepEqual(web.steps.map((s) => [s.exten, s.priority, s.label ?? '', s.app]), [
    ['100', 1, '', 'NoOp'], ['100', 2, '', 'GotoIf'], ['100', 3, 'fail', 'Dial'], ['_6XXX', 1, '', 'Gosub'], ['_6XXX', 2, '', 'Hangup'],
  ]);
  assert.deepEqual(web.steps[0].args, ['hi', 'there']);
  assert.deepEqual(web.steps[2].args, ['PJSIP/6001&PJSIP/6002', '30', 'i']);
  assert.deepEqual(jumpsOf(web.steps[1]), [{ context: 'other', exten: 's', priority: '1' }, { priority: 'fail' }]);
  assert.deepEqual(jumpsOf(web.steps[3]), [{ context: 'sub', exten: 's', priority: '1' }]);
  assert.deepEqual(jumpsOf(plan.get('more')!.steps[0]), [{ context: 'ring', exten: 's', priority: '1' }]);
});

test('dialplan: n on a new extension and same before exten are errors', () => {
  assert.throws(() => parseDialplan(parseConf('[c]\nexten => 1,n,NoOp()\n')), /priority n for a new extension/);
  assert.throws(() => parseDialplan(parseConf('[c]\nsame => n,NoOp()\n')), /same => before any exten/);
});

test('patterns: X Z N [ranges] . ! like Asterisk', () => {
  assert.ok(patternMatches('_6XXX', '6001'));
  assert.ok(!patternMatches('_6XXX', '60011'));
  assert.ok(patternMatches('_0.', '00441234'));
  assert.ok(patternMatches('_+X.', '+441234'));
  assert.ok(!patternMatches('_NXX', '123'));
  assert.ok(patternMatches('_[1-3]Z', '29'));
  assert.ok(patternMatches('_9!', '9'));
  assert.ok(patternMatches('100', '100'));
  assert.deepEqual(splitTop('a,$[1,2],"x,y",f(b,c)', ','), ['a', '$[1,2]', '"x,y"', 'f(b,c)']);
});

test('#include globs expand in sorted order; an include cycle is refused with its path', () => {
  const files: Record<string, string> = { 'phones/b.conf': '[b]\nx=2\n', 'phones/a.conf': '[a]\nx=1\n', 'phones/readme.txt': '[no]\n' };
  const f = parseConf('#include phones/*.conf\n', 'pjsip.conf', (n) => {
    const re = globRegExp(n);
    return Object.keys(files).filter((k) => re.test(k)).sort().map((k) => ({ name: k, text: files[k] }));
  });
  assert.deepEqual(f.sections.map((s) => [s.name, s.file]), [['a', 'phones/a.conf'], ['b', 'phones/b.conf']]);
  assert.ok(globRegExp('homeline/[a-p]*.conf').test('homeline/pjsip.conf') && !globRegExp('*.conf').test('homeline/pjsip.conf'), '* never crosses a folder');
  assert.throws(() => parseConf('[a]\n#include b.conf\n', 'a.conf', (n) => (n === 'b.conf' ? '#include a.conf\n' : '[a](+)\n')),
    /b\.conf:1: #include cycle: a\.conf → b\.conf → a\.conf/);
});
