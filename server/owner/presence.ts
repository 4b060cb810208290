// The owner's available / do-not-disturb switch. Survives restarts (a night's DND should not end
// because the edge was upgraded), kept beside the secrets in the data dir.
import { readFileSync } from 'node:fs';
import { writePrivateJson } from '../store/private-files.ts';
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
    writePrivateJson(this.file, { available, changedAt: new Date().toISOString() });
  }
}
