// Drives a MenuWalk like the ARI adapter would, without sockets: finishes prompts on request
// and records what the caller heard, so tests read as a call transcript.
import assert from 'node:assert/strict';
import { MenuWalk, type IvrCommand, type IvrEvent } from '../../server/ivr/interpreter.ts';
import { promptText, type Menu } from '../../server/ivr/menu-schema.ts';
import { validateMenu, type MenuReach } from '../../server/ivr/menu-validate.ts';

export const reach: MenuReach = { visitorExtensions: ['6000', '6001', '6002', '6003', '6010'], ownerGroup: ['6000', '6001', '6002'], barredPrefixes: ['09'] };

export function menuOf(raw: unknown): Menu {
  const { menu, issues } = validateMenu(raw, { reach });
  assert.deepEqual(issues, []);
  return menu!;
}

export class Call {
  walk: MenuWalk;
  log: IvrCommand[] = [];
  heard: string[] = [];
  constructor(menu: Menu, allowed: string[] | undefined = reach.visitorExtensions) {
    this.walk = new MenuWalk({ menu, allowedExtensions: allowed, ownerGroup: reach.ownerGroup });
  }
  send(ev: IvrEvent): IvrCommand[] {
    const out = this.walk.handle(ev);
    this.log.push(...out);
    for (const c of out) {
      if (c.type === 'play') this.heard.push(promptText(c.prompt));
      if (c.type === 'collect') this.armed = c.timerId;
      if (c.type === 'stopCollect') this.armed = null;
    }
    return out;
  }
  /** The play still waiting for PlaybackFinished, if any. */
  pendingPlay(): number | null {
    let id: number | null = null;
    for (const c of this.log) {
      if (c.type === 'play') id = c.playId;
      if ((c.type === 'stopPlay' && c.playId === id)) id = null;
    }
    const finished = this.finished;
    return id !== null && !finished.has(id) ? id : null;
  }
  private finished = new Set<number>();
  private armed: number | null = null;
  /** Let every queued prompt play to the end. */
  settle(): this {
    for (let id = this.pendingPlay(); id !== null; id = this.pendingPlay()) {
      this.finished.add(id);
      this.send({ type: 'promptFinished', playId: id });
    }
    return this;
  }
  start(caller = '6001'): this {
    this.send({ type: 'start', caller });
    return this.settle();
  }
  press(keys: string): this {
    for (const d of keys) this.send({ type: 'digit', digit: d });
    return this.settle();
  }
  /** Fire the collect timer that is currently armed. */
  timeout(): this {
    assert.notEqual(this.armed, null, 'no collect timer armed');
    this.send({ type: 'timeout', timerId: this.armed! });
    return this.settle();
  }
  last<T extends IvrCommand['type']>(type: T): Extract<IvrCommand, { type: T }> | undefined {
    return [...this.log].reverse().find((c) => c.type === type) as Extract<IvrCommand, { type: T }> | undefined;
  }
  clear(): this {
    this.log = [];
    this.heard = [];
    return this;
  }
}
