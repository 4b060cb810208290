// Microphone access and device choice. getUserMedia errors become a reason the UI can explain.

export type MicProblem = 'denied' | 'missing' | 'busy' | 'other';

export class MicError extends Error {
  constructor(readonly problem: MicProblem, cause: unknown) {
    super(`microphone: ${problem}`, { cause });
  }
}

export function micProblem(err: unknown): MicProblem {
  const name = (err as { name?: string })?.name;
  if (name === 'NotAllowedError' || name === 'SecurityError' || name === 'PermissionDeniedError') return 'denied';
  if (name === 'NotFoundError' || name === 'DevicesNotFoundError' || name === 'OverconstrainedError') return 'missing';
  if (name === 'NotReadableError' || name === 'TrackStartError' || name === 'AbortError') return 'busy';
  return 'other';
}

export async function openMicrophone(deviceId?: string): Promise<MediaStream> {
  if (!navigator.mediaDevices?.getUserMedia) throw new MicError('missing', new Error('no mediaDevices'));
  try {
    return await navigator.mediaDevices.getUserMedia({
      audio: deviceId ? { deviceId: { exact: deviceId } } : true,
      video: false,
    });
  } catch (e) {
    throw new MicError(micProblem(e), e);
  }
}

export async function listDevices(kind: 'audioinput' | 'audiooutput'): Promise<MediaDeviceInfo[]> {
  try {
    return (await navigator.mediaDevices.enumerateDevices()).filter((d) => d.kind === kind && d.deviceId);
  } catch {
    return [];
  }
}

type SinkAudio = HTMLAudioElement & { setSinkId?: (id: string) => Promise<void> };
export const canChooseOutput = (audio: HTMLAudioElement) => typeof (audio as SinkAudio).setSinkId === 'function';
export const chooseOutput = (audio: HTMLAudioElement, id: string) => (audio as SinkAudio).setSinkId?.(id);

/** Swap the microphone mid-call without renegotiating (same codec, same transceiver). */
export async function chooseInput(pc: RTCPeerConnection, deviceId: string, old: MediaStream): Promise<MediaStream> {
  const next = await openMicrophone(deviceId);
  const track = next.getAudioTracks()[0];
  const sender = pc.getSenders().find((s) => s.track?.kind === 'audio' || s.track === null);
  await sender?.replaceTrack(track);
  for (const t of old.getTracks()) t.stop();
  return next;
}
