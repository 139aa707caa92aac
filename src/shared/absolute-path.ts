/** The one check of a path argument that crosses the API (a folder, a file, a model folder): absolute, on any platform. */
import { z } from 'zod';

export const absPath = z
  .string()
  .min(1, 'path is empty')
  .max(4096, 'path is longer than 4096 characters')
  .refine((p) => !p.includes('\0'), 'path contains a NUL character')
  .refine((p) => p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p) || p.startsWith('\\\\'), 'path must be absolute');
