/**
 * Opening and revealing files. The core has no desktop shell: it refuses openFile/revealFile, and
 * checks for a host that has one (Electron main) which file it may open and how (open-policy.ts).
 */
import { DesktopOnlyError, type TroveService } from '../trove-service';
import type { EngineParts } from './engine-parts';
import { indexedFile } from './indexed-file';
import { openAction } from './open-policy';

export function desktopMethods(parts: EngineParts): Pick<TroveService, 'openFile' | 'revealFile' | 'resolveForDesktop'> {
  return {
    openFile: () => Promise.reject(new DesktopOnlyError('opening files works only in the desktop app')),
    revealFile: () => Promise.reject(new DesktopOnlyError('showing files in the file manager works only in the desktop app')),
    async resolveForDesktop(path, wanted) {
      const { real } = await indexedFile(parts, path, wanted === 'reveal');
      return { path: real, action: wanted === 'reveal' ? 'reveal' : await openAction(real) };
    },
  };
}
