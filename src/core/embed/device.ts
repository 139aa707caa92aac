/**
 * Where the model runs: the CPU (the default, on every machine), or a graphics processor through one of
 * onnxruntime's execution providers when the person asked for it ("Use the graphics processor when
 * available", `--device auto|gpu`). The GPU is never a reason not to index: a provider that is not
 * installed, fails to load, or gives vectors that fail the model's fixed-pair check (the same check
 * the CPU's must pass, so an index never mixes vectors that differ) is passed over, and the CPU is
 * used with one notice that says why.
 *
 * Kept free of onnxruntime so the engine process and the UI's wording can use it without loading it.
 */
import type { Device, DeviceInUse } from '../../shared/types';

export type { Device, DeviceInUse };

/** Running on the CPU, with no notice: before a model has loaded, and whenever the CPU was asked for. */
export function onCpu(setting: Device = 'cpu'): DeviceInUse {
  return { setting, provider: 'cpu', notice: null, failures: [] };
}

/**
 * The execution providers tried before the CPU, in order, for a setting on an OS. 'auto' tries the
 * provider that onnxruntime-node supports on that OS (DirectML ships with it on Windows, CoreML on
 * macOS; CUDA needs its libraries: see the README); 'gpu' also tries WebGPU, which onnxruntime-node
 * bundles but which runs fewer of a transformer's operators on the GPU.
 */
export function gpuProviders(device: Device, platform: NodeJS.Platform = process.platform): string[] {
  if (device === 'cpu') return [];
  const stable = platform === 'win32' ? ['dml', 'cuda'] : platform === 'darwin' ? ['coreml'] : platform === 'linux' ? ['cuda'] : [];
  return device === 'gpu' ? [...stable, 'webgpu'] : stable;
}

/** One provider's attempt that did not end in use ('load': it or its session did not load; 'check': its vectors failed the fixed-pair check). */
export type ProviderFailure = DeviceInUse['failures'][number];

/** The sentence people read when the GPU asked for is not used. */
export function describeDeviceFallback(failures: ProviderFailure[]): string {
  if (failures.length === 0) return 'no graphics processor provider exists for this system in onnxruntime, so embedding runs on the CPU';
  const why = failures.map((f) => (f.stage === 'load' ? `${f.provider} did not load (${f.message})` : `${f.provider} gave vectors that failed the model's check (${f.message})`));
  return `the graphics processor could not be used, so embedding runs on the CPU: ${why.join('; ')}`;
}

/**
 * Open on the first provider that loads and passes `check`, the CPU last. A CPU failure is the
 * model's own (a damaged file, a refused model) and is thrown as it is; a GPU failure is recorded
 * and the next provider tried. `release` frees a session that failed its check.
 */
export async function openOnDevice<S>(
  device: Device,
  steps: {
    providers: string[];
    open: (provider: string) => Promise<S>;
    check: (session: S, provider: string) => Promise<void>;
    release: (session: S) => Promise<void>;
  },
): Promise<{ session: S; device: DeviceInUse }> {
  const failures: ProviderFailure[] = [];
  for (const provider of steps.providers) {
    let session: S;
    try {
      session = await steps.open(provider);
    } catch (err) {
      failures.push({ provider, stage: 'load', message: firstLine(err) });
      continue;
    }
    try {
      await steps.check(session, provider);
    } catch (err) {
      await steps.release(session);
      failures.push({ provider, stage: 'check', message: firstLine(err) });
      continue;
    }
    return { session, device: { setting: device, provider, notice: null, failures } };
  }
  const session = await steps.open('cpu');
  try {
    await steps.check(session, 'cpu');
  } catch (err) {
    await steps.release(session);
    throw err;
  }
  return { session, device: { setting: device, provider: 'cpu', notice: device === 'cpu' ? null : describeDeviceFallback(failures), failures } };
}

/** The message's first line, without onnxruntime's source location ("…/webgpu_context.cc:136 … was false. Failed to get a WebGPU adapter"). */
function firstLine(err: unknown): string {
  const line = String((err as Error)?.message ?? err).split('\n')[0];
  return line.replace(/^\/onnxruntime_src\/.*? was false\. /, '').slice(0, 300);
}
