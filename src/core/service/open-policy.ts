/**
 * What the desktop may do with a file the page names. Only files in the index may be opened (a
 * compromised page must not launch `.git/hooks/post-checkout` or a downloaded `setup.exe` that happens
 * to sit in an indexed folder), and a program or script is never opened: opening it would run it.
 * For those `openFile` shows the file in the file manager instead, so running it stays a deliberate
 * act through the OS's own confirmation (Gatekeeper, SmartScreen, the file manager's "run?" dialog).
 */
import { stat } from 'node:fs/promises';
import { fileType } from '../sources/folder-rules';

/** Types that the OS runs rather than shows when "opened" (on at least one platform). */
const RUNNABLE_TYPES = new Set([
  // Windows programs and scripts run by their default association
  'exe', 'com', 'bat', 'cmd', 'msi', 'msp', 'scr', 'pif', 'cpl', 'ps1', 'psm1', 'vbs', 'vbe', 'js', 'jse', 'wsf', 'wsh', 'hta', 'reg', 'lnk', 'url', 'jar',
  // macOS and Linux
  'app', 'command', 'tool', 'pkg', 'dmg', 'desktop', 'appimage', 'run', 'bin', 'applescript', 'scpt', 'workflow',
  // script interpreters that file associations may run
  'sh', 'bash', 'zsh', 'csh', 'ksh', 'fish', 'py', 'pyw', 'rb', 'pl', 'php', 'lua',
]);

/**
 * 'reveal' when opening `path` could run it: a runnable type, or (POSIX) a file with an execute bit,
 * which desktop openers such as xdg-open may execute. Otherwise 'open'.
 */
export async function openAction(path: string): Promise<'open' | 'reveal'> {
  if (RUNNABLE_TYPES.has(fileType(path))) return 'reveal';
  if (process.platform !== 'win32') {
    const mode = (await stat(path)).mode;
    if (mode & 0o111) return 'reveal';
  }
  return 'open';
}
