/**
 * Every command, view and setting id declared in src/extension/ids.ts matches package.json
 * `contributes`, in both directions.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { COMMANDS, SETTINGS, SETTINGS_SECTION, VIEWS, VIEW_CONTAINER_ID } from '../../../src/extension/ids';

const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8'));

describe('package.json contributes', () => {
  it('declares exactly the commands in ids.ts, each with the Trace Lens category', () => {
    const declared = manifest.contributes.commands.map((c: { command: string }) => c.command).sort();
    expect(declared).toEqual(Object.values(COMMANDS).sort());
    for (const c of manifest.contributes.commands) expect(c.category).toBe('Trace Lens');
  });

  it('declares the view container and views in ids.ts', () => {
    expect(manifest.contributes.viewsContainers.activitybar.map((c: { id: string }) => c.id)).toEqual([VIEW_CONTAINER_ID]);
    expect(manifest.contributes.views[VIEW_CONTAINER_ID].map((v: { id: string }) => v.id).sort()).toEqual(Object.values(VIEWS).sort());
  });

  it('declares exactly the settings in ids.ts', () => {
    const declared = Object.keys(manifest.contributes.configuration.properties).sort();
    expect(declared).toEqual(Object.values(SETTINGS).map((k) => `${SETTINGS_SECTION}.${k}`).sort());
  });

  it('only refers to declared commands in menus', () => {
    const ids = new Set(Object.values(COMMANDS) as string[]);
    for (const [menu, entries] of Object.entries(manifest.contributes.menus as Record<string, { command: string }[]>)) {
      for (const entry of entries) expect(ids.has(entry.command), `${menu}: ${entry.command}`).toBe(true);
    }
  });
});
