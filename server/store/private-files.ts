// Everything in the data dir is the edge's alone: secrets, the call log and IVR messages (names,
// numbers, free text), presence, prompts. Directories 0700, files 0600, whatever umask the edge
// was started with; files that are created later are created with those modes by their writers
// (openDb pre-creates the database so SQLite gives its -wal and -shm files the same mode).
import { chmodSync, lstatSync, mkdirSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export const PRIVATE_FILE = 0o600;
export const PRIVATE_DIR = 0o700;

/** Tightens every file and directory under `dir` (symlinks are left alone, not followed). */
export function makePrivate(dir: string): void {
  let st;
  try {
    st = lstatSync(dir);
  } catch {
    return;
  }
  if (st.isSymbolicLink()) return;
  if (st.isDirectory()) {
    if ((st.mode & 0o777) !== PRIVATE_DIR) chmodSync(dir, PRIVATE_DIR);
    for (const name of readdirSync(dir)) makePrivate(join(dir, name));
  } else if (st.isFile() && (st.mode & 0o077) !== 0) {
    chmodSync(dir, PRIVATE_FILE);
  }
}

/**
 * Writes `value` as JSON into the data dir, 0600 in a 0700 directory, whole or not at all: written
 * aside and renamed, so a crash mid-write never leaves half a file (presence, hours, ring rules,
 * owner sessions).
 */
export function writePrivateJson(file: string, value: unknown): void {
  mkdirSync(dirname(file), { recursive: true, mode: PRIVATE_DIR });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(value), { mode: PRIVATE_FILE });
  renameSync(tmp, file);
}
