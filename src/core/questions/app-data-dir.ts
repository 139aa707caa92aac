/** Where Trove keeps its data when no folder is given: the folder Electron's userData uses for "Trove". */
import { homedir } from 'node:os';
import { join } from 'node:path';

export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.TROVE_DATA_DIR) return env.TROVE_DATA_DIR;
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'Trove');
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Trove');
  return join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'Trove');
}
