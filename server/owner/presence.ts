// The owner's available / do-not-disturb switch. Survives restarts (a night's DND should not end
// because the edge was upgraded), kept beside the secrets in the data dir.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

export class Presence {
  private available = true;
  private readonly file: string;

  constructor(dataDir: string) {
    this.file = join(dataDir, 'presence.json');
    try {
      this.available = JSON.parse(readFileSync(this.file, 'utf8')).available !== false;
    } catch { /* first run: available */ }
  }

  isAvailable(): boolean {
    return this.available;
  }

  set(available: boolean): void {
    this.available = available;
    mkdirSync(join(this.file, '..'), { recursive: true, mode: 0o700 });
    writeFileSync(this.file, JSON.stringify({ available, changedAt: new Date().toISOString() }), { mode: 0o600 });
  }
}
